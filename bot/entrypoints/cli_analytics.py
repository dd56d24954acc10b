"""``cobot analytics poll``: one analytics poll by hand, as the daily job runs it, printing what it stored.

Registered by ``bot.entrypoints.cli``; everything heavy is imported when the command runs. Unlike the daily job it
claims nothing, so it polls even when the day's poll already ran (storing a day again replaces it).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.entrypoints.cli_reports import _day, _Refusal, _say, _workspace, missing_database
from bot.runtime.config import Settings
from handlers import texts
from handlers.results import t


def register(commands: Any) -> None:
    """Adds ``analytics poll`` to the ``cobot`` command's subparsers."""
    help_text = "the analytics server (app.yaml analytics:, PLAUSIBLE_API_KEY): poll it by hand"
    analytics = commands.add_parser("analytics", help=help_text, description=help_text)
    actions = analytics.add_subparsers(title="actions", required=True, metavar="ACTION")
    poll_help = (
        "ask the analytics server now for the figures per day of the pieces published on the site (the days each "
        "still needs, up to yesterday) and store them, as the daily poll does; print what was stored"
    )
    poll = actions.add_parser("poll", help=poll_help, description=poll_help)
    poll.add_argument("--workspace", help="the workspace's external id, e.g. Slack's T0123 (default: every one)")
    poll.add_argument(
        "--day", type=_day, help="ask for this one day only (YYYY-MM-DD, before today), e.g. to fetch it again"
    )
    poll.set_defaults(run=run_poll)


def run_poll(args: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import Session

    from bot.runtime.analytics import AnalyticsPoller
    from bot.runtime.cobot import create_app
    from storage.clock import utcnow
    from storage.migrate import upgrade_to_head

    settings.require_analytics()
    poller = AnalyticsPoller.from_settings(settings)
    assert poller is not None
    site = poller.site
    today = utcnow().astimezone(site.timezone).date()
    if args.day is not None and args.day >= today:
        _say(
            t(texts.ANALYTICS_DAY_NOT_OVER, day=args.day.isoformat(), today=today.isoformat()),
            settings,
            stream=sys.stderr,
        )
        return 2
    if (missing := missing_database(settings, command="analytics poll")) is not None:
        print(missing, file=sys.stderr)
        return 1
    cobot = create_app(settings)
    try:
        upgrade_to_head(cobot.engine)
        workspace_ids = None
        if args.workspace is not None:
            with Session(cobot.engine) as session:
                workspace_ids = [_workspace(session, args.workspace).id]
        polls = poller.run(cobot, workspace_ids=workspace_ids, day=args.day)
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    finally:
        cobot.close()
    if not polls:
        _say(t(texts.WORKSPACE_NONE), settings, stream=sys.stderr)
        return 1
    failed = False
    for poll in polls:
        for piece in poll.pieces:
            figures = ", ".join(f"{metric} {value}" for metric, value in piece.totals)
            _say(
                t(
                    texts.ANALYTICS_POLL_PIECE,
                    number=piece.number,
                    url=piece.url,
                    start=piece.start.isoformat(),
                    end=piece.end.isoformat(),
                    figures=figures,
                ),
                settings,
            )
        if poll.failed is not None:
            failed = True
            _say(
                t(texts.ANALYTICS_POLL_FAILED, workspace=poll.workspace, reason=poll.failed),
                settings,
                stream=sys.stderr,
            )
        elif not poll.asked:
            days = site.published_within_days
            _say(t(texts.ANALYTICS_POLL_NONE, workspace=poll.workspace, site=site.site_id, count=days), settings)
        else:
            pieces = t(texts.COUNT_PUBLISHED_PIECES, count=poll.asked)
            if poll.stored:
                done = t(
                    texts.ANALYTICS_POLL_STORED,
                    workspace=poll.workspace,
                    site=site.site_id,
                    count=poll.stored,
                    pieces=pieces,
                )
            else:
                done = t(texts.ANALYTICS_POLL_NOTHING_NEW, workspace=poll.workspace, site=site.site_id, pieces=pieces)
            _say(done, settings)
        if poll.elsewhere:
            _say(t(texts.ANALYTICS_POLL_ELSEWHERE, count=poll.elsewhere), settings)
    return 1 if failed else 0
