"""What one look-up costs, by the layer it goes through: the floor under every Cobot request.

    .venv/bin/python bench/statement_cost.py [--repeat 5000]

On a migrated SQLite file with 5,000 members it times the same query (one member by workspace and user id, a
row already in the session) four ways: a SQLModel ``select(...).where(...)`` built on each call, as most code
writes it; the same statement built once with bound parameters (what ``storage/queries.py`` does on the hot
path); SQLAlchemy Core with a prebuilt statement (rows, not objects); and the ``sqlite3`` driver alone.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import common  # noqa: F401  (puts the repository root on sys.path)
import sqlalchemy as sa
from common import footer, header
from sqlmodel import Session, select

from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.models import Member, Workspace


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5000)
    args = parser.parse_args()
    header("Cost of one look-up, by layer (SQLite)")
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'cost.db'}")
        upgrade_to_head(engine)
        now = datetime.now(UTC)
        with Session(engine) as session:
            workspace = Workspace(platform="slack", external_id="T0COST", created_at=now)
            session.add(workspace)
            session.flush()
            assert workspace.id is not None
            session.add_all(Member(workspace_id=workspace.id, user_id=f"U{n:05d}", created_at=now) for n in range(5000))
            session.commit()
            workspace_id, user_id = workspace.id, "U04242"

            def built_each_time() -> Any:
                query = select(Member).where(Member.workspace_id == workspace_id, Member.user_id == user_id)
                return session.exec(query).first()

            prebuilt = select(Member).where(
                Member.workspace_id == sa.bindparam("w"), Member.user_id == sa.bindparam("u")
            )

            def orm_prebuilt() -> Any:
                return session.exec(prebuilt, params={"w": workspace_id, "u": user_id}).first()

            table = Member.__table__  # type: ignore[attr-defined]
            by_user = sa.and_(table.c.workspace_id == sa.bindparam("w"), table.c.user_id == sa.bindparam("u"))
            core = sa.select(table).where(by_user)
            connection = session.connection()

            def core_prebuilt() -> Any:
                return connection.execute(core, {"w": workspace_id, "u": user_id}).first()

            raw = connection.connection.driver_connection
            assert raw is not None

            def driver() -> Any:
                sql = "SELECT * FROM member WHERE workspace_id = ? AND user_id = ?"
                return raw.execute(sql, (workspace_id, user_id)).fetchone()

            ways: list[tuple[str, Callable[[], Any]]] = [
                ("SQLModel, statement built per call", built_each_time),
                ("SQLModel, prebuilt statement", orm_prebuilt),
                ("SQLAlchemy Core, prebuilt statement", core_prebuilt),
                ("sqlite3 driver", driver),
            ]
            print("| layer | µs per look-up |")
            print("| --- | --- |")
            for name, way in ways:
                assert way() is not None
                started = time.process_time()
                for _ in range(args.repeat):
                    way()
                print(f"| {name} | {(time.process_time() - started) / args.repeat * 1e6:.1f} |")
        engine.dispose()
    footer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
