"""The console's own commands on input that is probably a slip (issue 14.25): a command typed at a question,
a misspelt name in ``:as``, a channel that does not exist in ``:in``."""

from __future__ import annotations

import io
import re

from bot.console import run_console
from bot.runtime.config import load_settings


class Terminal(io.StringIO):
    """Typed input, as at a terminal: the console asks for a form's text instead of explaining it."""

    def isatty(self) -> bool:
        return True


def console(*lines: str, terminal: bool = False) -> str:
    stdin = (Terminal if terminal else io.StringIO)("\n".join(lines) + "\n")
    out = io.StringIO()  # not a terminal: no colours
    code = run_console(load_settings(None, {}), demo=True, database=None, start=None, stdin=stdin, stdout=out)
    assert code == 0
    return out.getvalue()


def test_a_command_typed_at_a_question_cancels_it_and_runs() -> None:
    out = console(":as anne", "/cocreate show 2", ":press Submit draft #2", ":press 37 text", terminal=True)
    assert re.search(r"\(cancelled \[\d+\] Submit draft: running :press instead\)", out)
    assert "There is no button [37]." in out
    assert "version 2 of your draft" not in out  # ":press 37 text" was not handed in as a draft


def test_a_slash_command_at_a_question_runs_too_and_a_real_answer_still_counts() -> None:
    out = console(
        ":as anne",
        "/cocreate show 2",
        ":press Submit draft #2",
        "/cocreate list",
        ":press Submit draft #2",
        "https://docs.example.com/anne/v2",
        terminal=True,
    )
    assert "running /cocreate instead" in out
    assert "Open requests (3)" in out
    assert "Got it: version 2 of your draft for #2." in out


def test_quit_at_a_question_leaves() -> None:
    out = console(":as anne", "/cocreate show 2", ":press Submit draft #2", ":quit", "/cocreate list", terminal=True)
    assert "running :quit instead" in out
    assert "Open requests" not in out


def test_a_misspelt_name_does_not_make_a_new_person() -> None:
    out = console(":as metta", "/cocreate mine", ":who")
    assert "There is nobody called @metta here. Did you mean @mette?" in out
    assert ":as new metta adds @metta as a new person." in out
    assert "joins the workspace" not in out
    assert "metta " not in out.split("People here", 1)[1]  # :who does not list a "metta"
    assert "mette@#marketing> /cocreate mine" in out  # and you are still Mette


def test_as_new_adds_a_person_and_you_act_as_them() -> None:
    out = console(":as new kim", ":who", "/cocreate volunteer 3")
    assert "(@kim joins the workspace)" in out
    assert "kim        Kim" in out
    assert "kim@#marketing> /cocreate volunteer 3" in out
    assert "Thank you! You're on #3" in out


def test_an_unknown_channel_is_refused_with_the_channels_there_are() -> None:
    out = console(":in #nonexistent", "/cocreate list", ":in new #sales", ":in #marketing", ":in #sales")
    assert "There is no channel #nonexistent here." in out
    assert "Channels here: #marketing. :in new #nonexistent opens it." in out
    assert "mette@#marketing> /cocreate list" in out  # still in #marketing
    assert "(#sales is opened)" in out
    assert "mette@#sales> :in #marketing" in out
    assert "There is no channel #sales" not in out  # an opened channel stays


TO_APPROVAL = (":as mette", ":press Approve #2", ":as anne")  # the demo's #2 waits for review of Anne's draft


def test_sign_off_is_asked_as_questions_at_a_terminal() -> None:
    out = console(*TO_APPROVAL, ":press Sign off #2", "", "Kundeservice", "2", terminal=True)
    assert "Version 1 of your draft for #2" in out and "content hash (SHA-256)" in out
    assert re.search(r"Signed off version 1 of your draft for #2, as .+\. It may be published: [^.]+\.", out), out


def test_sign_off_in_a_script_says_which_command_to_type() -> None:
    out = console(*TO_APPROVAL, ":press Sign off #2", '/cocreate signoff 2 bio:"Kundeservice"')
    assert "To sign off version 1 of your draft for #2, type `/cocreate signoff 2`" in out
    assert "Signed off version 1 of your draft for #2, as " in out
