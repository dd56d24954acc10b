"""A log handler that keeps every record, for tests that check what the app logged (no ERROR, no WARNING)."""

from __future__ import annotations

import logging


class Records(logging.Handler):
    """Every log record of the app's threads while it is attached to the root logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        taken, self.records = self.records, []
        return taken
