"""The console's `:click`: a reader follows a published piece's tracked link through the same web handler and
counting as `cobot serve`, so the piece's card and `/cocreate show` give its clicks; preview bots and repeat visits
are not counted, and a piece without a link, or a `:click` without a piece, gets a hint."""

from __future__ import annotations

import io

from bot.console import run_console
from bot.runtime.config import load_settings


def console(*lines: str) -> str:
    out = io.StringIO()
    stdin = io.StringIO("\n".join(lines) + "\n")
    code = run_console(load_settings(None, {}), demo=True, database=None, start=None, stdin=stdin, stdout=out)
    assert code == 0
    return out.getvalue()


def test_clicks_on_a_published_pieces_link_show_on_its_card() -> None:
    out = console(
        ":as jonas",
        "/cocreate published 3 https://blog.example.com/siloer?ref=intra",
        ":click #3",
        ":click #3",
        ":click #3 again",
        ":click #3 Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "/cocreate show 3",
        ":click #1",
        ":click",
        ":time +1d",
    )

    assert "Share this link to #3 where you can" in out and "/r/" in out
    target = "https://blog.example.com/siloer?ref=intra&utm_source=cobot&utm_medium=share&utm_campaign=cobot-3"
    assert f"A reader followed #3's tracked link to {target}. It has counted 1 click." in out
    assert "It has counted 2 clicks." in out
    assert (
        "The same reader opened #3's tracked link; not counted (a preview bot or a repeat visit). It has 2 clicks."
        in out
    )
    assert out.count("not counted") == 2
    shown = out.split("> /cocreate show 3", 1)[1].split("> :click #1", 1)[0]
    assert "Tracked link" in shown and "So far 2 clicks on its Cobot link" in shown.replace("*", "")
    assert "#1 has no tracked link: it gets one when it is published." in out
    assert "Write `:click #<id>`" in out or "Write :click #<id>" in out
    refreshed = out.split("> :time +1d", 1)[1]
    assert "(edited)" in refreshed and "2 clicks on its Cobot link" in refreshed
    assert "went wrong" not in out and "Traceback" not in out
