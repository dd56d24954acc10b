"""``cobot import results <file.csv|file.xlsx> [--dry-run] [--workspace …]``: figures of published pieces from a
file (``handlers.results_import``), in one transaction, so a file with any problem stores nothing.

Reached through ``cobot import`` (``bot.entrypoints.cli_reports``), whose first word says what the file holds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.entrypoints.cli_reports import _Refusal, _say, import_in_workspace
from bot.runtime.config import Settings

if TYPE_CHECKING:
    from handlers.context import Scope


def run_import_results(args: argparse.Namespace, settings: Settings) -> int:
    from bot.exports.results_file import read_results_file
    from handlers.results_import import ResultsFileError, ResultsRejected, import_results

    target: Path = args.file
    if args.template:
        print("cobot import results: --template writes a content plan; a results file needs none", file=sys.stderr)
        return 2
    try:
        data = target.read_bytes()
    except OSError as error:
        print(f"cobot import results: cannot read {target}: {error.strerror or error}", file=sys.stderr)
        return 1
    try:
        table = read_results_file(data, file_name=target.name)
    except ResultsFileError as unreadable:
        _say(unreadable.text, settings, stream=sys.stderr)
        return 1

    def load(scope: Scope) -> Any:
        try:
            return import_results(scope, table, dry_run=args.dry_run)
        except ResultsFileError as unreadable:
            raise _Refusal(unreadable.text) from None

    result = import_in_workspace(args, settings, command="import results", work=load, rejected=ResultsRejected)
    if result is None:
        return 1
    for line in (*result.notes, *result.lines):
        _say(line, settings)
    _say(result.summary, settings)
    return 0
