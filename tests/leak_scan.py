"""A watch over the whole test run: the client secrets, their SECRET_HASHes and the seeded users' addresses must
never appear in a response (body or header) or in a line the function or the local server logged.

tests/conftest.py wires it in: every local stack registers its secret and log file, every HTTP response to a
local stack is recorded, and at the end of the session any finding fails the run. The developer routes under
/_local/ are not scanned: they show the emulator's own data (the outbox holds addresses and codes by design),
and neither is the runner's start-up banner, which names the seeded users.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from code_screens.secret_hash import compute_secret_hash
from local.seed import CONFIRMED_USER, UNCONFIRMED_USER

BANNER_END = "Ctrl-C stops."
SEEDED_USERS = (UNCONFIRMED_USER, CONFIRMED_USER)


@dataclass
class LeakWatch:
    """What must not leak, and what was seen."""

    canaries: dict[str, str] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)
    log_files: set[Path] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_client(self, client_id: str, client_secret: str) -> None:
        """Watch for an app client's secret and the hashes it gives the seeded users (and the users themselves)."""
        with self._lock:
            self.canaries[f"client secret of {client_id}"] = client_secret
            for user in SEEDED_USERS:
                self.canaries[f"SECRET_HASH of {user}"] = compute_secret_hash(user, client_id, client_secret)
                self.canaries[f"address {user}"] = user

    def add_secret_value(self, label: str, value: str) -> None:
        with self._lock:
            self.canaries[label] = value

    def record_response(self, text: str) -> None:
        with self._lock:
            self.responses.append(text)

    def add_log(self, path: Path) -> None:
        with self._lock:
            self.log_files.add(path)

    def log_lines(self) -> list[str]:
        lines: list[str] = []
        for path in sorted(self.log_files):
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
            _, _, after_banner = text.partition(BANNER_END)
            lines.extend(after_banner.splitlines())
        return lines

    def findings(self) -> list[str]:
        """One line per canary found, naming where; empty when clean."""
        found = []
        lines = self.log_lines()
        for label, value in self.canaries.items():
            in_responses = sum(value in response for response in self.responses)
            in_logs = sum(value in line for line in lines)
            if in_responses or in_logs:
                found.append(f"{label}: in {in_responses} response(s) and {in_logs} log line(s)")
        return found

    def summary(self) -> str:
        return (
            f"leak scan: {len(self.canaries)} secrets, hashes and addresses watched over "
            f"{len(self.responses)} responses and {len(self.log_lines())} log lines"
        )


WATCH = LeakWatch()
