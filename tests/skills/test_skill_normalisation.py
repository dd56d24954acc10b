"""Unit tests of skill normalisation (case, spacing, punctuation, synonyms, Danish letters) and of the
``skills:`` settings in ``app.yaml`` that feed it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bot.runtime.cobot import build_policy
from bot.runtime.config import DEFAULT_SKILL_SYNONYMS, Behaviour, ConfigError, Settings, load_settings
from handlers.skills import clean_skill, normalise_all, normalise_skill, split_skills

SYNONYMS = tuple(sorted(DEFAULT_SKILL_SYNONYMS.items()))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SEO", "seo"),
        ("  Seo  ", "seo"),
        ("Content   Marketing", "content marketing"),
        ("content\tmarketing\n", "content marketing"),
        ("content\u00a0marketing", "content marketing"),  # a non-breaking space from a pasted text
        ("seo.", "seo"),
        ("(video)", "video"),
        ("*SEO*", "seo"),
        ("_video_", "video"),
        ("“Copywriting”", "copywriting"),
        ("'PPC'", "ppc"),
        ("#seo", "seo"),
        ("- analytics -", "analytics"),
        ("• writing", "writing"),
        ("video!?", "video"),
        # punctuation that belongs to the name stays
        ("C#", "c#"),
        ("C++", "c++"),
        (".NET", ".net"),
        ("Node.js", "node.js"),
        ("R&D", "r&d"),
        ("e-mail marketing", "e-mail marketing"),
        ("soft\u00adhyphen", "softhyphen"),  # invisible characters pasted along are dropped
        ("", ""),
        ("  ...  ", ""),
    ],
)
def test_clean_skill_folds_case_trims_collapses_spaces_and_strips_surrounding_punctuation(
    typed: str, expected: str
) -> None:
    assert clean_skill(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kundeservice", "kundeservice"),
        ("ÆBLER & ØL", "æbler & øl"),
        ("Århus-kendskab", "århus-kendskab"),
        ("a\u030arhus", "århus"),  # decomposed å (NFD, as some keyboards send it) becomes the composed letter
        ("Ærø", "ærø"),
    ],
)
def test_danish_letters_stay_danish_and_compose_to_one_form(typed: str, expected: str) -> None:
    normal = normalise_skill(typed, synonyms=SYNONYMS)
    assert normal == expected
    assert unicodedata.is_normalized("NFC", normal)


def test_synonyms_map_whole_skills_in_any_case_and_spacing() -> None:
    assert normalise_skill("Search  Engine Optimisation", synonyms=SYNONYMS) == "seo"
    assert normalise_skill("SØGEMASKINEOPTIMERING.", synonyms=SYNONYMS) == "seo"
    assert normalise_skill("søgemaskine\u00adoptimering", synonyms=SYNONYMS) == "seo"  # with a pasted soft hyphen
    assert normalise_skill("E-Mail", synonyms=SYNONYMS) == "email"
    # only whole skills: a synonym inside a longer skill is left alone
    assert normalise_skill("e-mail marketing", synonyms=SYNONYMS) == "e-mail marketing"
    # synonyms are one step and written in any case in app.yaml
    assert normalise_skill("ppc", synonyms=(("PPC", "Paid Search"),)) == "paid search"
    assert normalise_skill("seo", synonyms=()) == "seo"


def test_lists_are_split_on_commas_semicolons_and_lines_and_repeats_are_dropped() -> None:
    assert split_skills("SEO, video;writing\nanalytics,, ") == ["SEO", " video", "writing", "analytics"]
    assert normalise_all(["SEO", "søgemaskineoptimering", " seo ", "Video", "", "..."], synonyms=SYNONYMS) == [
        "seo",
        "video",
    ]


# --- app.yaml ------------------------------------------------------------------------------------------------


def test_the_skills_settings_reach_the_policy() -> None:
    behaviour = Behaviour.model_validate(
        {"skills": {"synonyms": {"Pay per click": "PPC"}, "invite_count": 2, "monthly_ask_limit": 6}}
    )
    policy = build_policy(Settings(behaviour=behaviour))
    assert (policy.skill_synonyms, policy.invite_count, policy.monthly_ask_limit) == ((("Pay per click", "PPC"),), 2, 6)
    assert normalise_skill("pay  per click", synonyms=policy.skill_synonyms) == "ppc"


def test_the_default_policy_knows_the_default_synonyms() -> None:
    policy = build_policy(Settings())
    assert normalise_skill("Søgemaskineoptimering", synonyms=policy.skill_synonyms) == "seo"
    assert (policy.invite_count, policy.monthly_ask_limit) == (3, 4)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("skills:\n  synonyms: {'...': seo}\n", "skills.synonyms: synonym '...': 'seo' needs a word on both sides"),
        (
            "skills:\n  synonyms: {sem: search marketing, search marketing: ppc}\n",
            "skills.synonyms: synonym 'sem' points at 'search marketing', which is itself a synonym of 'ppc'; "
            "point it straight at 'ppc'",
        ),
        (
            "skills:\n  synonyms: {SEO: search, ' seo ': optimisation}\n",
            "skills.synonyms: ' seo ' is given twice (ignoring case and spaces) with different skills",
        ),
        ("skills:\n  invite_count: 0\n", "skills.invite_count: Input should be greater than or equal to 1"),
        ("skills:\n  monthly_ask_limit: -1\n", "skills.monthly_ask_limit: Input should be greater than or equal to 1"),
        ("skills:\n  invite_cuont: 2\n", "skills.invite_cuont: Extra inputs are not permitted"),
    ],
)
def test_wrong_skills_settings_are_refused_with_one_line_naming_them(
    tmp_path: Path, yaml_text: str, expected: str
) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    assert str(caught.value) == f"{path}: {expected}"
