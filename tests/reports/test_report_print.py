"""The report as a manager opens and prints it, without fixing anything first: every sheet prints one page wide,
landscape where it is wide, with its header row on every page, in one sans-serif font; the chart of contributions
per department shows every department on a count axis from 0 in whole steps; and the easily confused counts
(volunteers, contributors) say what they count. The print is checked twice: in the file's settings (read back with
openpyxl) and in what LibreOffice actually prints (rendered to PDF, its pages counted)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from reports_support import add_two_departments, export, open_workbook, seed_history
from sqlalchemy import Engine

from bot.exports.excel.report import _whole_step
from handlers import texts

SHEETS = ["Requests", "Contributions", "Calendar", "Summary"]
SANS_SERIF = {"Calibri", "Arial", "Carlito", "Liberation Sans"}


@pytest.fixture
def five_departments(engine: Engine, tmp_path: Path) -> Path:
    seed_history(engine)
    add_two_departments(engine)
    path = tmp_path / "report.xlsx"
    export(engine, path)
    return path


def test_every_sheet_prints_one_page_wide_with_its_header_on_every_page(five_departments: Path) -> None:
    workbook = open_workbook(five_departments)

    for name in SHEETS:
        sheet = workbook[name]
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert sheet.page_setup.fitToWidth == 1, name
        assert sheet.page_setup.fitToHeight == 0, name  # as many pages long as it takes
        assert sheet.print_title_rows == "$1:$1", name
        assert name in (sheet.oddHeader.center.text or ""), name
        assert "&P" in (sheet.oddFooter.center.text or ""), name
        margins = sheet.page_margins
        assert 0.4 <= margins.left <= 0.8 and 0.4 <= margins.right <= 0.8, name
    assert workbook["Requests"].page_setup.orientation == "landscape"  # 17 columns
    assert workbook["Summary"].page_setup.orientation == "landscape"


def test_headers_and_cells_use_one_sans_serif_font(five_departments: Path) -> None:
    workbook = open_workbook(five_departments)

    fonts = {(font.name, font.family) for font in workbook._fonts}
    assert fonts == {("Calibri", 2)}  # family 2 ("swiss"): a viewer without Calibri substitutes a sans-serif
    for name in SHEETS:
        header = workbook[name]["A1"]
        assert header.font.bold and header.font.name in SANS_SERIF, name


def test_the_department_chart_covers_every_department_on_a_whole_number_axis_from_zero(
    five_departments: Path,
) -> None:
    workbook = open_workbook(five_departments)
    departments = [r[10] for r in workbook["Summary"].iter_rows(min_row=2, values_only=True) if r[10] is not None]
    assert len(departments) == 5
    with zipfile.ZipFile(five_departments) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode()

    references = [f.replace("'", "") for f in re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", xml)]
    assert "Summary!$K$2:$K$6" in references  # every department's name…
    assert "Summary!$L$2:$L$6" in references  # …and count
    assert re.search(r'<(?:c:)?min val="0(?:\.0)?"/>', xml)
    assert re.search(r'<(?:c:)?majorUnit val="1(?:\.0)?"/>', xml)
    assert re.search(r'<(?:c:)?tickLblSkip val="1"/>', xml)  # no department's name skipped
    assert '<delete val="0"/>' in xml.replace("c:", "")  # both axes shown


def test_count_axis_steps_are_whole_numbers_at_most_about_five_of_them() -> None:
    assert [_whole_step(n) for n in (0, 1, 5, 6, 12, 30, 99, 400, 2_000)] == [1, 1, 1, 2, 5, 10, 20, 100, 500]


def test_volunteers_and_contributors_say_what_they_count(five_departments: Path) -> None:
    workbook = open_workbook(five_departments)
    requests = workbook["Requests"]
    headers = {cell.value: cell for cell in requests[1]}

    assert headers["Volunteers"].comment is not None
    assert headers["Volunteers"].comment.text == texts.NOTE_VOLUNTEERS
    assert "line" in headers["Volunteers"].comment.text and "withdrew" in headers["Volunteers"].comment.text
    assert headers["Contributors"].comment is not None
    assert "draft" in headers["Contributors"].comment.text
    summary = {cell.value: cell for cell in workbook["Summary"][1] if cell.value}
    assert summary["Contributors"].comment is not None
    assert summary["Distinct contributors"].comment is not None


def _printed_pages(xlsx: Path, out: Path) -> int:
    """Pages LibreOffice prints for ``xlsx``, by rendering it to PDF headless."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice (soffice) is not installed: the printed page count is not checked")
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it in CI")
    profile = out / "profile"  # its own profile: parallel test workers must not share one
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (out / xlsx.with_suffix(".pdf").name).read_bytes()
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    return len(PdfReader(out / xlsx.with_suffix(".pdf").name).pages)


def test_libreoffice_prints_each_sheet_on_one_page(five_departments: Path, tmp_path: Path) -> None:
    # Before: 14 portrait pages, the right-hand columns and the chart on pages of their own.
    assert _printed_pages(five_departments, tmp_path) == len(SHEETS)
