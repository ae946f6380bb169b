"""Credentials in the OS keyring, and nowhere else.

Service ``djamon-desktop``; the names are fixed (:data:`NAMES`). A missing or locked keyring is a
clear error that says how to fix it, never a silent fallback to a file: file-based backends
(keyrings.alt) are used only when chosen on purpose with ``PYTHON_KEYRING_BACKEND``.
"""

from __future__ import annotations

import os

from .errors import UserError

SERVICE = "djamon-desktop"
NAMES: tuple[str, ...] = (
    "smtp_password",
    "twitter_consumer_key",
    "twitter_consumer_secret",
    "twitter_access_token",
    "twitter_access_token_secret",
)
TWITTER_NAMES = NAMES[1:]

_HOW_TO_FIX = (
    "start your desktop's keyring (GNOME Keyring, KWallet or another Secret Service), "
    "or choose a backend with PYTHON_KEYRING_BACKEND"
)


class SecretStoreError(UserError):
    """The keyring can't be used, or a name is unknown."""


def check_name(name: str) -> str:
    if name not in NAMES:
        raise SecretStoreError(f"secret {name!r} is not known; the names are: {', '.join(NAMES)}")
    return name


def _backend():
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError as exc:  # pragma: no cover - keyring is a dependency
        raise SecretStoreError(f"the keyring library is missing ({exc})") from None
    try:
        chosen = keyring.get_keyring()
    except Exception as exc:  # a backend named in PYTHON_KEYRING_BACKEND that can't load
        raise SecretStoreError(f"no usable keyring backend ({exc}); {_HOW_TO_FIX}") from None
    module = type(chosen).__module__
    unusable = isinstance(chosen, fail.Keyring | null.Keyring)
    file_based = module.startswith("keyrings.alt") and not os.environ.get("PYTHON_KEYRING_BACKEND")
    if unusable or file_based:
        raise SecretStoreError(f"no usable OS keyring was found; {_HOW_TO_FIX}")
    return chosen


def _call(action: str, function, *args):
    try:
        return function(*args)
    except SecretStoreError:
        raise
    except Exception as exc:
        kind = type(exc).__name__
        raise SecretStoreError(f"the keyring could not {action} ({kind}); {_HOW_TO_FIX}") from None


def get(name: str) -> str | None:
    backend = _backend()
    return _call("be read", backend.get_password, SERVICE, check_name(name))


def put(name: str, value: str) -> None:
    if not value:
        raise SecretStoreError(f"secret {name}: no value was given")
    backend = _backend()
    _call("store the secret", backend.set_password, SERVICE, check_name(name), value)


def delete(name: str) -> bool:
    """Remove one; False when it was not set."""
    backend = _backend()
    check_name(name)
    if _call("be read", backend.get_password, SERVICE, name) is None:
        return False
    _call("delete the secret", backend.delete_password, SERVICE, name)
    return True


def status() -> dict[str, bool]:
    backend = _backend()
    return {n: _call("be read", backend.get_password, SERVICE, n) is not None for n in NAMES}


def redact(text: str) -> str:
    """``text`` with every stored secret value replaced by ``***`` (for errors and logs)."""
    try:
        backend = _backend()
        values = [backend.get_password(SERVICE, n) for n in NAMES]
    except Exception:
        return text
    for value in sorted((v for v in values if v), key=len, reverse=True):
        text = text.replace(value, "***")
    return text
