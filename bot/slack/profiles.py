"""A Slack member's department and title, read from their profile as app.yaml's ``profiles:`` says: a custom
profile field named by its label (its id looked up once per workspace with ``team.profile.get``, its value read
with ``users.profile.get``, where custom fields come keyed by id), else the standard title read by a pattern with a
named group ``department``. Both methods need ``users.profile:read``, which the manifest asks for only when a
field is named; without a ``profiles:`` section nothing here calls Slack."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime.config import ProfileSettings

log = logging.getLogger(__name__)
_NO_FIELD = ""  # cached for a workspace whose profile has no field with the label


@dataclass(frozen=True)
class Directory:
    """What the profile says. ``None``: not known (not configured, or Slack did not answer), so what Cobot has
    stays; an empty text: the profile has none."""

    department: str | None = None
    title: str | None = None


class SlackProfiles:
    """Reads departments for one Cobot process; the custom field's id is cached per workspace."""

    def __init__(self, settings: ProfileSettings | None) -> None:
        self.field_label = settings.department_field if settings else None
        self.pattern = re.compile(settings.title_pattern) if settings and settings.title_pattern else None
        self._field_ids: dict[str, str] = {}
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, object]) -> SlackProfiles:
        # Bolt deep-copies the request context for lazy listeners; the reader and its cache are shared.
        return self

    @property
    def enabled(self) -> bool:
        return self.field_label is not None or self.pattern is not None

    def read(self, client: WebClient, user: dict[str, Any]) -> Directory:
        """The department and title of ``user`` (the ``user`` object of ``users.info``)."""
        profile = user.get("profile") or {}
        title = str(profile.get("title") or "")
        if not self.enabled:
            return Directory(title=title)  # users.info gives the title anyway
        department = self._from_field(client, user) if self.field_label else ""
        if department is None:
            return Directory(title=title)
        if not department and self.pattern is not None:
            found = self.pattern.search(title)
            department = (found.group("department") or "").strip() if found else ""
        return Directory(department=department, title=title)

    def forget_field(self, team_id: str) -> None:
        """The workspace's fields changed (``team_profile_change``…): the id is looked up again."""
        with self._lock:
            self._field_ids.pop(team_id, None)

    def _from_field(self, client: WebClient, user: dict[str, Any]) -> str | None:
        team = str(user.get("team_id") or "")
        user_id = str(user.get("id") or "")
        try:
            field_id = self._field_id(client, team)
            if not field_id:
                return ""
            profile = client.users_profile_get(user=user_id).get("profile") or {}
        except SlackApiError as error:
            log.warning("the department of %s was not read from Slack: %s", user_id, error.response.get("error"))
            return None
        except OSError as error:
            log.info("the department of %s was not read from Slack (%s)", user_id, type(error).__name__)
            return None
        fields = profile.get("fields") or {}
        entry = fields.get(field_id) if isinstance(fields, dict) else None
        return str(entry.get("value") or "") if isinstance(entry, dict) else ""

    def _field_id(self, client: WebClient, team: str) -> str:
        with self._lock:
            known = self._field_ids.get(team)
        if known is not None:
            return known
        fields = (client.team_profile_get().get("profile") or {}).get("fields") or []
        wanted = (self.field_label or "").casefold()
        field_id = next(
            (str(f.get("id")) for f in fields if str(f.get("label") or "").strip().casefold() == wanted), _NO_FIELD
        )
        if not field_id:
            log.warning("the Slack profile has no field labelled %r (app.yaml profiles.department_field)", wanted)
        with self._lock:
            self._field_ids[team] = field_id
        return field_id
