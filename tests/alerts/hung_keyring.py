"""A stand-in for an OS keyring stuck on an unlock prompt nobody can see: every call waits until
the test sets :data:`answer` (chosen with PYTHON_KEYRING_BACKEND=hung_keyring.Keyring)."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend

answer = threading.Event()


class Keyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        answer.wait()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        answer.wait()

    def delete_password(self, service: str, username: str) -> None:
        answer.wait()
