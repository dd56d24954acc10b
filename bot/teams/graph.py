"""A Teams person's department and job title from Microsoft Graph: ``GET /v1.0/users/{id}?$select=department,
jobTitle`` with an app-only token from the client-credentials flow (the bot's app id and client secret, in the
person's tenant). It needs the application permission ``User.Read.All`` granted by an admin; without it Graph
answers 403, and Cobot goes on without departments from Graph for that tenant (said once, at INFO) and asks again
an hour later, in case the permission was granted meanwhile. Any other failure leaves what Cobot knows as it is.

``GRAPH_API_URL`` and ``GRAPH_LOGIN_URL`` point it elsewhere (the tests' loopback fake)."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"  # the resource, whatever address Graph is reached at
DENIED_RETRY_SECONDS = 3600.0
TOKEN_MARGIN_SECONDS = 60.0  # a token is renewed this long before it expires


@dataclass(frozen=True)
class GraphProfile:
    department: str  # empty: Graph has none for the person
    title: str


class GraphDirectory:
    """Asks Graph about people; one per process, so tokens (per tenant) and refusals are remembered."""

    def __init__(
        self,
        *,
        app_id: str,
        password: str,
        api_url: str,
        login_url: str,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app_id = app_id
        self._password = password
        self.api_url = api_url.rstrip("/")
        self.login_url = login_url.rstrip("/")
        self.timeout = timeout
        self.clock = clock
        self._tokens: dict[str, tuple[str, float]] = {}
        self._denied_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def profile(self, *, tenant: str, user_id: str) -> GraphProfile | None:
        """The person's department and job title, or None when Graph can't or won't say (nothing changes)."""
        with self._lock:
            if self._denied_until.get(tenant, 0.0) > self.clock():
                return None
        try:
            token = self._token(tenant)
            query = urllib.parse.urlencode({"$select": "department,jobTitle"}, safe="$,")
            url = f"{self.api_url}/v1.0/users/{urllib.parse.quote(user_id, safe='')}?{query}"
            found = self._get(url, token)
        except _Denied:
            with self._lock:
                first = tenant not in self._denied_until
                self._denied_until[tenant] = self.clock() + DENIED_RETRY_SECONDS
            if first:
                log.info(
                    "Microsoft Graph does not let Cobot read people in tenant %s (grant User.Read.All to read "
                    "departments from Microsoft 365); departments there come from /cocreate department and imports",
                    tenant,
                )
            return None
        except _Unavailable as problem:
            log.warning("the department of %s was not read from Microsoft Graph: %s", user_id, problem)
            return None
        return GraphProfile(department=str(found.get("department") or ""), title=str(found.get("jobTitle") or ""))

    def _token(self, tenant: str) -> str:
        with self._lock:
            known = self._tokens.get(tenant)
            if known is not None and known[1] > self.clock():
                return known[0]
        form = urllib.parse.urlencode(
            {
                "client_id": self.app_id,
                "client_secret": self._password,
                "scope": GRAPH_SCOPE,
                "grant_type": "client_credentials",
            }
        ).encode()
        url = f"{self.login_url}/{urllib.parse.quote(tenant, safe='')}/oauth2/v2.0/token"
        request = urllib.request.Request(
            url, data=form, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        answer = self._json(request)
        token = str(answer.get("access_token") or "")
        if not token:
            raise _Unavailable("the token endpoint gave no access_token")
        lifetime = float(answer.get("expires_in") or 0)
        with self._lock:
            self._tokens[tenant] = (token, self.clock() + max(0.0, lifetime - TOKEN_MARGIN_SECONDS))
        return token

    def _get(self, url: str, token: str) -> dict[str, Any]:
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        return self._json(request)

    def _json(self, request: urllib.request.Request) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 403:
                raise _Denied() from None
            if error.code == 401:  # an expired or revoked token: the next look-up gets a new one
                with self._lock:
                    self._tokens.clear()
            raise _Unavailable(f"HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise _Unavailable(type(error).__name__) from None
        try:
            data = json.loads(body)
        except ValueError:
            raise _Unavailable("an answer that is not JSON") from None
        if not isinstance(data, dict):
            raise _Unavailable("an answer that is not a JSON object")
        return data


class _Denied(Exception):
    """Graph answered 403: the app has not been granted the permission."""


class _Unavailable(Exception):
    """Graph or its token endpoint failed (5xx, network, garbage)."""
