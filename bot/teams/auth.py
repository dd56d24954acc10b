"""Checking that an activity really comes from Teams: the Bot Framework's JWT in ``Authorization: Bearer …``.

This follows the Bot Framework's "authenticate requests from the connector" rules: the token is RS256-signed by a
key from the JWKS that the OpenID metadata at ``TEAMS_OPENID_METADATA_URL`` names (login.botframework.com by
default), its issuer is ``https://api.botframework.com``, its audience is the bot's app id, it is within its
lifetime (five minutes of clock skew allowed), the signing key is endorsed for the activity's channel, and its
``serviceurl`` claim is the activity's ``serviceUrl`` (so a token cannot send Cobot's replies elsewhere).

Why not the SDK's own ``JwtTokenValidator``: in microsoft-agents-hosting-core 1.9 the JWKS address is fixed by
the token's issuer (login.botframework.com, or login.microsoftonline.com) and cannot be configured, so it could
be neither pointed at a sovereign cloud's metadata nor tested against keys a test serves on loopback. This module
does the same checks with PyJWT against a configurable metadata URL, and hands the SDK the resulting claims.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import jwt
from microsoft_agents.hosting.core import ClaimsIdentity

log = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
CLOCK_SKEW_SECONDS = 300
KEYS_MAX_AGE_SECONDS = 24 * 3600
UNKNOWN_KEY_REFRESH_SECONDS = 60  # a token naming an unknown key refreshes the keys at most this often
FETCH_TIMEOUT_SECONDS = 10


class Unauthorized(Exception):
    """The request is not from Teams (or not for this bot); answered with 401 and nothing is done."""


@dataclass
class _Key:
    key: Any
    endorsements: tuple[str, ...]


@dataclass
class BotFrameworkAuth:
    app_id: str
    metadata_url: str
    issuers: tuple[str, ...] = (BOT_FRAMEWORK_ISSUER,)
    _keys: dict[str, _Key] = field(default_factory=dict)
    _fetched_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def validate(self, authorization: str | None, activity: dict[str, Any]) -> ClaimsIdentity:
        """The token's claims, or ``Unauthorized`` saying (for the log) what was wrong."""
        token = _bearer(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("malformed token") from None
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise Unauthorized("token not signed with RS256 and a key id")
        key = await asyncio.to_thread(self._key, str(header["kid"]))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=list(self.issuers),
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"token rejected: {type(error).__name__}") from None
        channel = str(activity.get("channelId") or "")
        if key.endorsements and channel not in key.endorsements:
            raise Unauthorized(f"signing key not endorsed for channel {channel!r}")
        if _normalised(claims.get("serviceurl")) != _normalised(activity.get("serviceUrl")):
            raise Unauthorized("token's serviceurl is not the activity's serviceUrl")
        return ClaimsIdentity(claims, authentication_type="Bearer", security_token=token)

    def _key(self, kid: str) -> _Key:
        with self._lock:
            stale = time.monotonic() - self._fetched_at > KEYS_MAX_AGE_SECONDS
            may_refresh = time.monotonic() - self._fetched_at > UNKNOWN_KEY_REFRESH_SECONDS
            if stale or (kid not in self._keys and may_refresh):
                self._refresh()
            found = self._keys.get(kid)
        if found is None:
            raise Unauthorized("token signed with an unknown key")
        return found

    def _refresh(self) -> None:
        try:
            metadata = _fetch_json(self.metadata_url)
            jwks = _fetch_json(str(metadata["jwks_uri"]))
        except (OSError, ValueError, KeyError) as error:
            # Keep the keys we have: a blip at login.botframework.com must not lock every request out.
            log.error("could not fetch the Bot Framework signing keys from %s: %s", self.metadata_url, error)
            if not self._keys:
                raise Unauthorized("signing keys unavailable") from None
            return
        keys: dict[str, _Key] = {}
        for entry in jwks.get("keys") or []:
            try:
                keys[str(entry["kid"])] = _Key(jwt.PyJWK(entry).key, tuple(entry.get("endorsements") or ()))
            except (KeyError, jwt.PyJWTError):
                log.warning("skipping an unusable key in the Bot Framework JWKS")
        self._keys = keys
        self._fetched_at = time.monotonic()


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
        raise Unauthorized("Authorization is not a bearer token")
    return token.strip()


def _normalised(url: Any) -> str:
    return str(url or "").strip().rstrip("/").casefold()


def _fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
        data = json.loads(response.read())
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return data
