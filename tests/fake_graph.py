"""A loopback fake of the two parts of Microsoft Graph Cobot uses, answering as Microsoft documents them: the
Microsoft identity platform's token endpoint for the client-credentials flow (``POST /{tenant}/oauth2/v2.0/token``)
and ``GET /v1.0/users/{id}?$select=department,jobTitle``. ``answer`` makes user look-ups fail the way Graph does:
403 ``Authorization_RequestDenied`` when the app lacks ``User.Read.All``, or a 503 when Graph is down."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-graph-token"


@dataclass
class GraphCall:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)


class FakeGraph:
    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.users: dict[str, dict[str, Any]] = {}
        self.answer: Literal["ok", "forbidden", "unavailable"] = "ok"
        self.calls: list[GraphCall] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def add_user(self, object_id: str, *, department: str | None, job_title: str | None) -> None:
        with self._lock:
            self.users[object_id] = {"department": department, "jobTitle": job_title}

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def user_calls(self) -> list[GraphCall]:
        with self._lock:
            return [call for call in self.calls if call.path.startswith("/v1.0/users/")]

    def start(self) -> FakeGraph:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-graph").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urllib.parse.urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode() if length else ""
        call = GraphCall(
            method=method,
            path=urllib.parse.unquote(parsed.path),
            query=dict(urllib.parse.parse_qsl(parsed.query)),
            headers={k.lower(): v for k, v in request.headers.items()},
            form=dict(urllib.parse.parse_qsl(body)) if method == "POST" else {},
        )
        with self._lock:
            self.calls.append(call)
        status, answer = self._answer(call)
        data = json.dumps(answer).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, call: GraphCall) -> tuple[int, dict[str, Any]]:
        if call.method == "POST" and call.path.endswith("/oauth2/v2.0/token"):
            form = call.form
            if (
                form.get("grant_type") != "client_credentials"
                or form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret
                or form.get("scope") != "https://graph.microsoft.com/.default"
            ):
                return 401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."}
            return 200, {
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": ACCESS_TOKEN,
            }
        if call.method == "GET" and call.path.startswith("/v1.0/users/"):
            if call.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
                return 401, _error("InvalidAuthenticationToken", "Access token is empty.")
            if self.answer == "forbidden":
                return 403, _error("Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
            if self.answer == "unavailable":
                return 503, _error("serviceNotAvailable", "The service is temporarily unavailable.")
            object_id = call.path.removeprefix("/v1.0/users/")
            with self._lock:
                user = self.users.get(object_id)
            if user is None:
                return 404, _error("Request_ResourceNotFound", f"Resource '{object_id}' does not exist.")
            selected = [name for name in call.query.get("$select", "").split(",") if name]
            fields = ",".join(selected)
            answer: dict[str, Any] = {
                "@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#users({fields})/$entity"
            }
            answer.update({name: user.get(name) for name in selected})
            return 200, answer
        return 404, _error("UnknownError", "")


def _error(code: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"date": "2026-12-07T10:00:00", "request-id": "00000000-0000-0000-0000-000000000000"},
        }
    }
