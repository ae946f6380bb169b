"""A stand-in for an OS keyring that never answers, not even when it is being chosen (as a
Secret Service whose bus accepted the connection and then went silent): chosen with
PYTHON_KEYRING_BACKEND=stuck_keyring.Keyring, its making waits for ever."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend


class Keyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        threading.Event().wait()  # nobody ever sets it
        super().__init__()

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        return None
