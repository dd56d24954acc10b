"""``cobot import results <file.csv|file.xlsx> [--dry-run] [--workspace …]``: figures of published pieces from a
file (``handlers.results_import``), in one transaction, so a file with any problem stores nothing.

Reached through ``cobot import`` (``bot.entrypoints.cli_reports``), whose first word says what the file holds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.entrypoints.cli_reports import _Refusal, _say, _workspace, missing_database
from bot.runtime.config import Settings
from storage.clock import utcnow


def run_import_results(args: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import Session

    from bot.exports.results_file import read_results_file
    from bot.runtime.cobot import create_app
    from handlers.context import Scope
    from handlers.results_import import ResultsFileError, ResultsRejected, import_results
    from storage.db import read_only, transaction
    from storage.migrate import upgrade_to_head

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
    if (missing := missing_database(settings, command="import results")) is not None:
        print(missing, file=sys.stderr)
        return 1
    cobot = create_app(settings)
    try:
        upgrade_to_head(cobot.engine)
        # A dry run only reads; a real one is one transaction, so a refusal anywhere leaves nothing behind.
        with Session(read_only(cobot.engine)) if args.dry_run else transaction(cobot.engine) as session:
            workspace = _workspace(session, args.workspace)
            scope = Scope(session=session, workspace=workspace, policy=cobot.policy, now=utcnow())
            result = import_results(scope, table, dry_run=args.dry_run)
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    except ResultsFileError as unreadable:
        _say(unreadable.text, settings, stream=sys.stderr)
        return 1
    except ResultsRejected as rejected:
        _say(rejected.header, settings, stream=sys.stderr)
        for problem in rejected.problems:
            _say(problem, settings, stream=sys.stderr)
        return 1
    finally:
        cobot.close()
    for line in (*result.notes, *result.lines):
        _say(line, settings)
    _say(result.summary, settings)
    return 0
