"""Installs through OAuth, as Bolt and slack_sdk see them: the installation store Bolt's OAuth flow saves to, the
state store of installs under way, and the ``authorize`` that gives each request its workspace's token, all on
Cobot's own database (``bot.runtime.installations``).

A workspace of an org-wide install has no installation of its own: its requests name both the team and the org, so
the first one records which org it belongs to (``OAuthInstall.remember_org_team``), and the messages Cobot sends
there go out with the org's token. With token rotation a token expires after some hours; whoever needs it within
``ROTATE_MINUTES_BEFORE_EXPIRY`` of that refreshes it first (``oauth.v2.access`` with the refresh token), once.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.runtime.installations import Installations, InstalledBot

log = logging.getLogger(__name__)

# Bolt's default: a token expiring within two hours is refreshed before it is used (Slack's live 12 hours).
ROTATE_MINUTES_BEFORE_EXPIRY = 120
STATE_SECONDS = 600  # an install begun on /slack/install must come back from Slack within ten minutes


class InstallationRecords(InstallationStore):
    """Bolt's installation store on Cobot's ``Installations``; also where requests and the outbox get fresh
    tokens (``bot_for``, ``bot_for_workspace``)."""

    def __init__(self, *, installations: Installations, client_id: str, client_secret: str, client: WebClient):
        self.installations = installations
        self.rotator = TokenRotator(client_id=client_id, client_secret=client_secret, client=client)

    @property
    def logger(self) -> logging.Logger:
        return log

    # --- Bolt's InstallationStore ---------------------------------------------------------------------------

    def save(self, installation: Installation) -> None:
        saved = self.installations.save(
            _installed(
                installation.to_bot(),
                enterprise_name=installation.enterprise_name or "",
                team_name=installation.team_name or "",
                installer_id=installation.user_id or "",
            )
        )
        log.info("Slack installation saved for %s", saved.team_id or f"the org {saved.enterprise_id}")

    def save_bot(self, bot: Bot) -> None:
        self.installations.save(_installed(bot))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self.installations.for_request(
            enterprise_id=enterprise_id, team_id=team_id, org_wide=bool(is_enterprise_install)
        )
        return _bot(found) if found is not None else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.installations.for_request(
            enterprise_id=enterprise_id, team_id=team_id, org_wide=bool(is_enterprise_install)
        )
        if found is None:
            return None
        # Cobot asks for no user scopes: an installation is its bot, whoever installed it.
        return Installation(
            app_id=found.app_id or None,
            enterprise_id=found.enterprise_id or None,
            enterprise_name=found.enterprise_name or None,
            team_id=found.team_id or None,
            team_name=found.team_name or None,
            bot_token=found.bot_token,
            bot_id=found.bot_id or None,
            bot_user_id=found.bot_user_id or None,
            bot_scopes=found.bot_scopes,
            bot_refresh_token=found.bot_refresh_token,
            bot_token_expires_at=_timestamp(found.bot_token_expires_at),
            user_id=found.installer_id,
            is_enterprise_install=found.is_enterprise_install,
            installed_at=found.installed_at,
        )

    # --- the tokens Cobot uses --------------------------------------------------------------------------------

    def bot_for(self, *, enterprise_id: str | None, team_id: str | None, org_wide: bool) -> InstalledBot | None:
        """The installation of a request from ``team_id`` (in ``enterprise_id``), its token refreshed if due."""
        found = self.installations.for_request(enterprise_id=enterprise_id, team_id=team_id, org_wide=org_wide)
        return self.fresh(found) if found is not None else None

    def bot_for_workspace(self, workspace_id: int) -> InstalledBot | None:
        """The installation that sends into a Cobot workspace (by row id), its token refreshed if due."""
        found = self.installations.for_workspace(workspace_id)
        return self.fresh(found) if found is not None else None

    def fresh(self, found: InstalledBot) -> InstalledBot:
        if not due(found):
            return found
        return self.installations.refresh(found, due=due, renew=self._renew)

    def _renew(self, current: InstalledBot) -> InstalledBot | None:
        try:
            renewed = self.rotator.perform_bot_token_rotation(
                bot=_bot(current), minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
            )
        except SlackTokenRotationError as error:
            # The old token may still work for a while; if it does not, Slack says so when it is used.
            log.error("the Slack token of %s could not be refreshed (%s)", _target(current), _code(error))
            return None
        if renewed is None:
            return None
        log.info("the Slack token of %s was refreshed", _target(current))
        return _installed(
            renewed,
            enterprise_name=current.enterprise_name,
            team_name=current.team_name,
            installer_id=current.installer_id,
        )


class InstallationAuthorize(Authorize):
    """Bolt's ``authorize`` for installs through OAuth: the token of the request's workspace or org. None (Bolt then
    tells the person Cobot is not installed there) when there is none."""

    def __init__(self, records: InstallationRecords) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.records = records

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        found = self.records.bot_for(
            enterprise_id=enterprise_id, team_id=team_id, org_wide=bool(context.is_enterprise_install)
        )
        if found is None:
            log.info("a request from %s, where Cobot is not installed", team_id or enterprise_id)
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_user_id=found.bot_user_id or None,
            bot_id=found.bot_id or None,
            bot_token=found.bot_token,
            bot_scopes=found.bot_scopes,
            user_id=user_id,
        )


class OAuthStates(OAuthStateStore):
    """The ``state`` values of installs under way: each one comes back once, within ``expiration_seconds``."""

    def __init__(self, installations: Installations, *, expiration_seconds: int = STATE_SECONDS) -> None:
        self.installations = installations
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        return self.installations.issue_state(lifetime=timedelta(seconds=self.expiration_seconds))

    def consume(self, state: str) -> bool:
        return self.installations.consume_state(state)


def due(found: InstalledBot) -> bool:
    """Whether a token is due for refreshing. Slack's clock, not Cobot's: real time."""
    stamp = _timestamp(found.bot_token_expires_at)
    return stamp is not None and stamp <= time.time() + ROTATE_MINUTES_BEFORE_EXPIRY * 60


def _installed(bot: Bot, *, enterprise_name: str = "", team_name: str = "", installer_id: str = "") -> InstalledBot:
    expires = bot.bot_token_expires_at
    return InstalledBot(
        enterprise_id=bot.enterprise_id or "",
        team_id="" if bot.is_enterprise_install else bot.team_id or "",
        is_enterprise_install=bool(bot.is_enterprise_install),
        bot_token=bot.bot_token,
        enterprise_name=enterprise_name or bot.enterprise_name or "",
        team_name=team_name or bot.team_name or "",
        app_id=bot.app_id or "",
        installer_id=installer_id,
        bot_id=bot.bot_id or "",
        bot_user_id=bot.bot_user_id or "",
        bot_scopes=",".join(bot.bot_scopes or []),
        bot_refresh_token=bot.bot_refresh_token,
        bot_token_expires_at=datetime.fromtimestamp(int(expires), tz=UTC) if expires is not None else None,
    )


def _bot(found: InstalledBot) -> Bot:
    return Bot(
        app_id=found.app_id or None,
        enterprise_id=found.enterprise_id or None,
        enterprise_name=found.enterprise_name or None,
        team_id=found.team_id or None,
        team_name=found.team_name or None,
        bot_token=found.bot_token,
        bot_id=found.bot_id,
        bot_user_id=found.bot_user_id,
        bot_scopes=found.bot_scopes,
        bot_refresh_token=found.bot_refresh_token,
        bot_token_expires_at=_timestamp(found.bot_token_expires_at),
        is_enterprise_install=found.is_enterprise_install,
        installed_at=found.installed_at or datetime.now(UTC),
    )


def _timestamp(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _target(found: InstalledBot) -> str:
    return found.team_id or f"the org {found.enterprise_id}"


def _code(error: SlackTokenRotationError) -> str:
    response = getattr(error.api_error, "response", None)
    code = response.get("error") if response is not None else None
    return str(code or type(error.api_error).__name__)
