"""The rows behind installs through OAuth (README, "Installing through OAuth"): each Slack workspace's or Enterprise
Grid org's bot token, which org each workspace of an org-wide install belongs to, and the states of installs under
way. The Slack adapter (``bot.slack.installations``) turns these into Bolt's and slack_sdk's objects; this side knows
the database and no Slack library.

An installation is kept per (enterprise, team): a workspace's own, or an org-wide one with no team. ``""`` stands
for an absent id, so the pair is unique.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers import workspaces
from storage import queries
from storage.db import transaction
from storage.models import SlackInstallation, SlackOAuthState, SlackOrgTeam, Workspace

PLATFORM = "slack"


@dataclass(frozen=True)
class InstalledBot:
    """One installation as Cobot uses it: where it is, and the bot's token (with its refresh token and expiry when
    the token rotates)."""

    enterprise_id: str
    team_id: str
    is_enterprise_install: bool
    bot_token: str
    enterprise_name: str = ""
    team_name: str = ""
    app_id: str = ""
    installer_id: str = ""
    bot_id: str = ""
    bot_user_id: str = ""
    bot_scopes: str = ""
    bot_refresh_token: str | None = None
    bot_token_expires_at: datetime | None = None
    installed_at: datetime | None = None

    @property
    def workspace(self) -> str:
        """The Cobot workspace the installation itself makes: the team's, or the org's for an org-wide install."""
        return self.team_id or self.enterprise_id


class Installations:
    def __init__(self, *, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._refreshing = threading.Lock()
        self._org_teams: set[tuple[str, str]] = set()  # (team, enterprise) pairs known to be recorded
        self._external_ids: dict[int, str] = {}

    # --- installations ----------------------------------------------------------------------------------------

    def save(self, bot: InstalledBot) -> InstalledBot:
        """A new installation, or one installed again (a new token, perhaps new scopes): replaces what was kept for
        its workspace or org. Its Cobot workspace exists afterwards and, if Cobot had stopped sending there
        (uninstalled, token revoked), is active again."""
        now = self.clock()
        bot = replace(bot, team_id="" if bot.is_enterprise_install else bot.team_id, installed_at=now)
        with transaction(self.engine) as session:
            row = _row_at(session, bot.enterprise_id, bot.team_id) or SlackInstallation(
                enterprise_id=bot.enterprise_id, team_id=bot.team_id, bot_token="", installed_at=now, updated_at=now
            )
            _write(row, bot, now=now, whole=True)
            session.add(row)
            workspace = queries.get_or_create_workspace(
                session=session, platform=PLATFORM, external_id=bot.workspace, now=now
            )
            name = bot.team_name or bot.enterprise_name
            if name and not workspace.name:
                workspace.name = name[:200]
                session.add(workspace)
            workspaces.reactivate(session=session, platform=PLATFORM, external_id=bot.workspace)
        return bot

    def for_request(self, *, enterprise_id: str | None, team_id: str | None, org_wide: bool) -> InstalledBot | None:
        """The installation a request from ``team_id`` in ``enterprise_id`` uses: the team's own, else its org's."""
        enterprise, team = enterprise_id or "", team_id or ""
        with Session(self.engine) as session:
            if team and not org_wide:
                own = _row_at(session, enterprise, team) or _latest_of_team(session, team)
                if own is not None:
                    return _bot(own)
            if not enterprise:
                return None
            org = _row_at(session, enterprise, "")
            return _bot(org) if org is not None and org.is_enterprise_install else None

    def for_workspace(self, workspace_id: int) -> InstalledBot | None:
        """The installation that sends into a Cobot workspace (by row id): the team's own, the org's when the
        workspace is the org itself, or the org's of a workspace seen asking from an org-wide install."""
        with Session(self.engine) as session:
            external = self._external_ids.get(workspace_id)
            if external is None:
                workspace = session.get(Workspace, workspace_id)
                if workspace is None:
                    return None
                external = self._external_ids[workspace_id] = workspace.external_id
            row = _latest_of_team(session, external) or _row_at(session, external, "")
            if row is None:
                org = session.get(SlackOrgTeam, external)
                row = _row_at(session, org.enterprise_id, "") if org is not None else None
            return _bot(row) if row is not None else None

    def refresh(
        self,
        bot: InstalledBot,
        *,
        due: Callable[[InstalledBot], bool],
        renew: Callable[[InstalledBot], InstalledBot | None],
    ) -> InstalledBot:
        """The installation with a token that is not ``due`` for refreshing: ``renew`` (a call to Slack) runs once
        for it, with the row locked and read again (on SQLite every write transaction begins IMMEDIATE, which
        locks the database), so that a request and the outbox sender, or two workers, do not both spend the same
        refresh token."""
        with self._refreshing, transaction(self.engine) as session:
            locked = session.exec(
                select(SlackInstallation)
                .where(
                    col(SlackInstallation.enterprise_id) == bot.enterprise_id,
                    col(SlackInstallation.team_id) == bot.team_id,
                )
                .with_for_update()
            ).first()
            if locked is None:
                return bot
            current = _bot(locked)
            if not due(current):
                return current  # refreshed meanwhile by another thread or worker
            renewed = renew(current)
            if renewed is None:
                return current
            _write(locked, renewed, now=self.clock(), whole=False)
            session.add(locked)
            return renewed

    def remember_org_team(self, *, team_id: str, enterprise_id: str) -> None:
        """Records that a workspace belongs to an org Cobot is installed in org-wide (written once per process)."""
        if (team_id, enterprise_id) in self._org_teams:
            return
        with transaction(self.engine) as session:
            known = session.get(SlackOrgTeam, team_id)
            if known is None:
                session.add(SlackOrgTeam(team_id=team_id, enterprise_id=enterprise_id, seen_at=self.clock()))
            elif known.enterprise_id != enterprise_id:  # the workspace moved to another org
                known.enterprise_id, known.seen_at = enterprise_id, self.clock()
                session.add(known)
        self._org_teams.add((team_id, enterprise_id))

    # --- states of installs under way ----------------------------------------------------------------------

    def issue_state(self, *, lifetime: timedelta) -> str:
        state = secrets.token_urlsafe(32)
        now = self.clock()
        with transaction(self.engine) as session:
            session.execute(sa.delete(SlackOAuthState).where(col(SlackOAuthState.expires_at) < now))
            session.add(SlackOAuthState(state=state, expires_at=now + lifetime))
        return state

    def consume_state(self, state: str) -> bool:
        """True once for a state issued here and not yet expired; False for anything else."""
        if not state or len(state) > 64:
            return False
        with transaction(self.engine) as session:
            used = session.execute(
                sa.delete(SlackOAuthState).where(
                    col(SlackOAuthState.state) == state, col(SlackOAuthState.expires_at) >= self.clock()
                )
            )
        return bool(getattr(used, "rowcount", 0))


def remove_installation(session: Session, *, workspace: str) -> int:
    """Cobot was uninstalled from ``workspace`` (a team, or an org for an org-wide install) or its token was
    revoked: its installation goes, so its token is never used again; installing again makes a new one. A team
    of an org-wide install has no installation of its own, so losing one team keeps the org's. How many went."""
    found = session.exec(
        select(SlackInstallation).where(
            sa.or_(
                col(SlackInstallation.team_id) == workspace,
                sa.and_(col(SlackInstallation.team_id) == "", col(SlackInstallation.enterprise_id) == workspace),
            )
        )
    ).all()
    for row in found:
        session.delete(row)
    return len(found)


def _row_at(session: Session, enterprise: str, team: str) -> SlackInstallation | None:
    return session.exec(
        select(SlackInstallation).where(
            col(SlackInstallation.enterprise_id) == enterprise, col(SlackInstallation.team_id) == team
        )
    ).first()


def _latest_of_team(session: Session, team: str) -> SlackInstallation | None:
    """A team's own installation, whichever org it was in when installed."""
    if not team:
        return None
    return session.exec(
        select(SlackInstallation)
        .where(col(SlackInstallation.team_id) == team)
        .order_by(col(SlackInstallation.updated_at).desc())
    ).first()


def _write(row: SlackInstallation, bot: InstalledBot, *, now: datetime, whole: bool) -> None:
    if whole:
        row.is_enterprise_install = bot.is_enterprise_install
        row.enterprise_name = bot.enterprise_name[:200]
        row.team_name = bot.team_name[:200]
        row.app_id = bot.app_id
        row.installer_id = bot.installer_id
        row.installed_at = bot.installed_at or now
    row.bot_token = bot.bot_token
    row.bot_id = bot.bot_id
    row.bot_user_id = bot.bot_user_id
    row.bot_scopes = bot.bot_scopes
    row.bot_refresh_token = bot.bot_refresh_token
    row.bot_token_expires_at = bot.bot_token_expires_at
    row.updated_at = now


def _bot(row: SlackInstallation) -> InstalledBot:
    return InstalledBot(
        enterprise_id=row.enterprise_id,
        team_id=row.team_id,
        is_enterprise_install=row.is_enterprise_install,
        bot_token=row.bot_token,
        enterprise_name=row.enterprise_name,
        team_name=row.team_name,
        app_id=row.app_id,
        installer_id=row.installer_id,
        bot_id=row.bot_id,
        bot_user_id=row.bot_user_id,
        bot_scopes=row.bot_scopes,
        bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=row.bot_token_expires_at,
        installed_at=row.installed_at,
    )
