"""The gunicorn worker ``cobot serve`` runs: gunicorn's threaded worker, except that a request is read whole
before a thread is given to it.

gunicorn's ``gthread`` worker hands a connection to a thread as soon as its first byte arrives, and the thread then
reads the rest blocking. A client that sends a byte every two seconds (slowloris) thus held a thread for as long as
it liked: with 16 such connections against 2 workers × 4 threads, no normal request was answered within 5 s
(bench/bench_slow_clients.py). Here the worker's event loop, which already waits on every idle connection, reads
what arrives without blocking until the request's head and its ``Content-Length`` of body are in, and only then
gives it to a thread; slow connections cost a buffer, not a thread. A connection whose request is not in within
``READ_SECONDS`` of its first byte being awaited is closed. A chunked body (Slack never sends one) is left to the
thread once the head is in.
"""

from __future__ import annotations

import contextlib
import errno
import re
import selectors
import socket
import time
from collections import deque
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

from bot.slack.inbound import MAX_BODY_BYTES

READ_SECONDS = 10.0  # the whole request, head and body, from the moment Cobot waits for it
MAX_HEAD_BYTES = 64 * 1024  # past this without the head's end, the parser is left to refuse it
_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:", re.IGNORECASE | re.MULTILINE)


def request_is_in(buffer: bytes | bytearray) -> bool:
    """Whether ``buffer`` holds a whole request (or as much as a thread should be given: see the module)."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return len(buffer) > MAX_HEAD_BYTES
    head = bytes(buffer[:end])
    if _CHUNKED.search(head):
        return True
    found = _CONTENT_LENGTH.search(head)
    length = int(found.group(1)) if found else 0
    return length > MAX_BODY_BYTES or len(buffer) - end - 4 >= length


class BufferingThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` with requests read in the event loop (see the module's docstring)."""

    def init_process(self) -> None:
        self.reading: deque[Any] = deque()  # connections whose request is being read, oldest first
        super().init_process()

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._read_request(TConn(self.cfg, client, address, listener.getsockname()))

    def on_client_socket_readable(self, conn: Any, client: socket.socket) -> None:
        """A kept-alive connection's next request starts: read in the event loop too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_request(conn)

    def _read_request(self, conn: Any) -> None:
        conn.sock.setblocking(False)
        conn.cobot_buffer = bytearray()
        conn.cobot_deadline = time.monotonic() + READ_SECONDS
        self.reading.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_bytes, conn))

    def _on_bytes(self, conn: Any, client: socket.socket) -> None:
        try:
            chunk = client.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away
            self._stop_reading(conn)
            self.nr_conns -= 1
            conn.close()
            return
        conn.cobot_buffer += chunk
        if request_is_in(conn.cobot_buffer):
            self._stop_reading(conn)
            conn.data_ready = True
            self.enqueue_req(conn)

    def _stop_reading(self, conn: Any) -> None:
        self.poller.unregister(conn.sock)
        self.reading.remove(conn)

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        while self.reading and self.reading[0].cobot_deadline <= now:
            conn = self.reading.popleft()
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            conn.close()

    def handle(self, conn: Any) -> Any:
        """In the thread: the parser starts from what the event loop read."""
        buffered = getattr(conn, "cobot_buffer", None)
        if buffered:
            conn.cobot_buffer = bytearray()
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(buffered))
        return super().handle(conn)
