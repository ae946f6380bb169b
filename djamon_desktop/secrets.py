"""Credentials in the OS keyring, and nowhere else.

Service ``djamon-desktop``; the names are fixed (:data:`NAMES`). A missing or locked keyring is a
clear error that says how to fix it, never a silent fallback to a file and never a hang:

- Only the OS keyrings (Secret Service, KWallet, macOS Keychain, Windows) are used, unless a
  backend is chosen on purpose with ``PYTHON_KEYRING_BACKEND`` (or keyring's own config file).
  When keyring's automatic choice is a chain that also holds file backends (keyrings.alt),
  only the chain's OS backends are read or written.
- Each call (:func:`get`, :func:`put`, :func:`delete`, :func:`status`, :func:`redact`) runs on a
  helper thread and gives up after :data:`TIMEOUT_S` seconds: a keyring waiting on an unlock
  prompt nobody can see is an error that says so. While such a request is still waiting, later
  calls fail at once with the same message instead of queueing behind it.
"""

from __future__ import annotations

import configparser
import logging
import os
import threading
from collections.abc import Callable
from typing import TypeVar

from .errors import UserError

log = logging.getLogger(__name__)

SERVICE = "djamon-desktop"
TWITTER_NAMES: tuple[str, ...] = (
    "twitter_consumer_key",
    "twitter_consumer_secret",
    "twitter_access_token",
    "twitter_access_token_secret",
)
NAMES: tuple[str, ...] = ("smtp_password", *TWITTER_NAMES, "apprise_urls", "database_password")
#: the passwords bound to the server they were set for (:mod:`.password_binding`)
BOUND: tuple[str, ...] = ("smtp_password", "database_password")


def binding_name(name: str) -> str:
    """The keyring entry, next to the secret ``name``, that holds the server it was set for
    (not a secret itself: a host, a port, a user name)."""
    return f"{name}.server"


#: how long one call may wait for the keyring (backend choice and every read or write in it)
TIMEOUT_S = 15

#: modules of keyring's own OS backends; anything else is used only when chosen on purpose
OS_BACKEND_MODULES = frozenset(
    {
        "keyring.backends.SecretService",
        "keyring.backends.libsecret",
        "keyring.backends.kwallet",
        "keyring.backends.macOS",
        "keyring.backends.Windows",
    }
)

_HOW_TO_FIX = (
    "start your desktop's keyring (GNOME Keyring, KWallet or another Secret Service), "
    "or choose a backend with PYTHON_KEYRING_BACKEND"
)
_HOW_TO_UNLOCK = (
    "unlock it (GNOME: the Passwords and Keys app; KDE: KWallet Manager; or log out and in "
    "again) and try again"
)
LOCKED = f"the keyring is locked (its unlock prompt was dismissed); {_HOW_TO_UNLOCK}"
STILL_WAITING = (
    "the keyring is still not answering an earlier request: it is locked or waiting for an "
    f"unlock prompt; {_HOW_TO_UNLOCK}"
)

T = TypeVar("T")


class SecretStoreError(UserError):
    """The keyring can't be used, or a name is unknown."""


def check_name(name: str) -> str:
    if name not in NAMES:
        raise SecretStoreError(f"secret {name!r} is not known; the names are: {', '.join(NAMES)}")
    return name


# -- which backends ------------------------------------------------------------------------------


def _is_os_backend(backend) -> bool:
    return type(backend).__module__ in OS_BACKEND_MODULES


def _chosen_on_purpose() -> bool:
    """PYTHON_KEYRING_BACKEND, or a ``default-keyring`` in keyring's own config file."""
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    from keyring.util import platform_

    config = configparser.RawConfigParser()
    try:
        config.read(platform_.config_root() / "keyringrc.cfg", encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return False
    return config.has_option("backend", "default-keyring")


def _backends() -> list:
    """The backends to use, in order: one, or the OS backends of keyring's automatic chain."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError as exc:  # pragma: no cover - keyring is a dependency
        raise SecretStoreError(f"the keyring library is missing ({exc})") from None
    try:
        chosen = keyring.get_keyring()
    except Exception as exc:  # a backend named in PYTHON_KEYRING_BACKEND that can't load
        raise SecretStoreError(f"no usable keyring backend ({exc}); {_HOW_TO_FIX}") from None
    if isinstance(chosen, fail.Keyring | null.Keyring):
        raise SecretStoreError(f"no usable OS keyring was found; {_HOW_TO_FIX}")
    if _chosen_on_purpose():
        return [chosen]
    if isinstance(chosen, chainer.ChainerBackend):
        found = [b for b in chosen.backends if _is_os_backend(b)]
    else:
        found = [chosen] if _is_os_backend(chosen) else []
    if not found:
        raise SecretStoreError(f"no usable OS keyring was found; {_HOW_TO_FIX}")
    return found


# -- every call: on a helper thread, with a deadline -------------------------------------------

_waiting: list[threading.Thread] = []  # helper threads that outlived their deadline
_waiting_lock = threading.Lock()


def _run(action: str, work: Callable[[list], T]) -> T:
    """``work(backends)`` on a helper thread; a clear error after :data:`TIMEOUT_S` seconds."""
    with _waiting_lock:
        _waiting[:] = [t for t in _waiting if t.is_alive()]
        if _waiting:
            raise SecretStoreError(STILL_WAITING)
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work(_backends())
        except SecretStoreError as exc:
            outcome["error"] = exc
        except Exception as exc:
            outcome["error"] = _translated(action, exc)

    helper = threading.Thread(target=target, name="djamon-keyring", daemon=True)
    helper.start()
    helper.join(TIMEOUT_S)
    if helper.is_alive():
        with _waiting_lock:
            _waiting.append(helper)
        log.warning("the keyring did not answer within %d s (%s)", TIMEOUT_S, action)
        raise SecretStoreError(no_answer_message())
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def no_answer_message() -> str:
    return (
        f"the keyring did not answer within {TIMEOUT_S:g} s: it is locked or waiting for an "
        f"unlock prompt; {_HOW_TO_UNLOCK}"
    )


def _translated(action: str, exc: Exception) -> SecretStoreError:
    from keyring.errors import KeyringLocked

    if isinstance(exc, KeyringLocked):
        return SecretStoreError(LOCKED)
    # the type only: a backend's message might quote what it was given
    return SecretStoreError(f"the keyring could not {action} ({type(exc).__name__}); {_HOW_TO_FIX}")


def _read(backends: list, name: str) -> str | None:
    for backend in backends:
        value = backend.get_password(SERVICE, name)
        if value is not None:
            return value
    return None


# -- the API -------------------------------------------------------------------------------------


def get(name: str) -> str | None:
    """The stored value, or None. May block up to :data:`TIMEOUT_S` seconds."""
    check_name(name)
    return _run("be read", lambda backends: _read(backends, name))


def put(name: str, value: str, bound_to: str | None = None) -> None:
    """Store ``value`` in the first OS keyring that takes it. May block up to :data:`TIMEOUT_S`.

    For a name in :data:`BOUND`, ``bound_to`` is the server the value was given for (see
    :mod:`.password_binding`), kept in a second entry next to it; without one, a binding of
    the value this replaces is removed (it was that value's). The old binding goes first and
    the new one is written last, so a failure half-way leaves the value bound to nothing
    rather than to the server of the value before."""
    check_name(name)
    if not value:
        raise SecretStoreError(f"secret {name}: no value was given")

    def work(backends: list) -> None:
        if name in BOUND:
            _delete_from(backends, binding_name(name))
        for backend in backends:
            try:
                backend.set_password(SERVICE, name, value)
            except NotImplementedError:
                continue
            if bound_to is not None and name in BOUND:
                backend.set_password(SERVICE, binding_name(name), bound_to)
            return
        raise SecretStoreError(f"no keyring backend can store secrets; {_HOW_TO_FIX}")

    _run("store the secret", work)


def _delete_from(backends: list, entry: str) -> bool:
    holding = [b for b in backends if b.get_password(SERVICE, entry) is not None]
    for backend in holding:
        backend.delete_password(SERVICE, entry)
    return bool(holding)


def get_bound(name: str) -> tuple[str | None, str | None]:
    """The stored value of a name in :data:`BOUND` and the server it is bound to (each None
    when not stored), read in one keyring call. May block up to :data:`TIMEOUT_S` seconds."""
    check_name(name)
    return _run(
        "be read", lambda backends: (_read(backends, name), _read(backends, binding_name(name)))
    )


def bind(name: str, bound_to: str) -> None:
    """Record the server a value already stored is bound to (its first use, for one stored
    before bindings were kept). May block up to :data:`TIMEOUT_S` seconds."""
    check_name(name)

    def work(backends: list) -> None:
        for backend in backends:
            if backend.get_password(SERVICE, name) is not None:
                backend.set_password(SERVICE, binding_name(name), bound_to)
                return

    _run("store the secret's server", work)


def delete(name: str) -> bool:
    """Remove one from every OS keyring holding it; False when it was not set. May block up to
    :data:`TIMEOUT_S` seconds."""
    check_name(name)

    def work(backends: list) -> bool:
        if name in BOUND:
            _delete_from(backends, binding_name(name))
        return _delete_from(backends, name)

    return _run("delete the secret", work)


def backends_in_use() -> list:
    """The keyring backends the secrets are read from and written to, found as every call
    finds them but nothing read (so nothing is unlocked and no prompt shows). May block up to
    :data:`TIMEOUT_S` seconds; SecretStoreError when there is none."""
    return _run("be reached", lambda backends: list(backends))


def status() -> dict[str, bool]:
    """Each name and whether it is set (never a value). May block up to :data:`TIMEOUT_S`."""
    return _run("be read", lambda backends: {n: _read(backends, n) is not None for n in NAMES})


def redact(text: str) -> str:
    """``text`` with every stored secret value replaced by ``***`` (for errors and logs); the
    text as it was when the keyring can't be read. May block up to :data:`TIMEOUT_S` seconds."""
    try:
        values = _run("be read", lambda backends: [_read(backends, n) for n in NAMES])
    except Exception:
        return text
    # every line of a several-line secret (apprise_urls) on its own too
    pieces = {v for v in values if v} | {
        line.strip() for v in values if v for line in v.splitlines() if len(line.strip()) >= 8
    }
    for value in sorted(pieces, key=len, reverse=True):
        text = text.replace(value, "***")
    return text
