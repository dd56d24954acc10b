"""Whether Cobot is alive and whether it is ready, for a load balancer or an orchestrator.

``/healthz`` says the process answers HTTP, nothing more: cheap enough to ask every second, and never failing
because of something a restart would not fix. ``/readyz`` says whether this instance can do its work: the database
answers, its schema is at the migration head this code expects, and the platform accepts the bot's credentials
(Slack: ``auth.test``, asked once at start and remembered). Its JSON body names each check, and what failed;
any failure makes it 503, so the load balancer sends people to another instance meanwhile.

The schema is compared with the head read from the migration scripts' source (``storage.migrate.scripted_head``),
so a readiness probe never imports Alembic; only a layout that is not plain asks Alembic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, inspect, text

from storage.db import reader
from storage.migrate import scripted_head

OK = "ok"
# A check that could not be made just now (Slack did not answer): reported, but not a reason to take the instance
# out of the load balancer, since every instance would be taken out alike.
UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Readiness:
    """Each check's name and its result: ``ok``, or what is wrong."""

    checks: Mapping[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(result == OK or result.startswith(UNVERIFIED) for result in self.checks.values())

    @property
    def status(self) -> int:
        return 200 if self.ready else 503

    def body(self) -> bytes:
        failed = {
            name: result for name, result in self.checks.items() if result != OK and not result.startswith(UNVERIFIED)
        }
        return json.dumps({"ready": self.ready, "checks": dict(self.checks), "failed": failed}).encode()


def database_check(engine: Engine) -> str:
    """``ok``, or why the database cannot serve this code: it does not answer, or its schema is not at head."""
    try:
        with reader(engine).connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return "not migrated: run `cobot migrate`"
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except Exception as error:  # any failure means "not answering"; the first line says why
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"unavailable: {reason[:200]}"
    head = scripted_head()
    if head is None:
        from storage.migrate import head_revision

        head = head_revision()
    if stored != [head]:
        at = ", ".join(stored) or "none"
        return f"at revision {at}, not at head {head}: run `cobot migrate` (or deploy the matching release)"
    return OK


def readiness(checks: Mapping[str, Callable[[], str]]) -> Readiness:
    return Readiness({name: check() for name, check in checks.items()})


HEALTHY = json.dumps({"ok": True}).encode()
