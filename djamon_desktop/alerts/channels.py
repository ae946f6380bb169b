"""The two ways an alert leaves: an e-mail over SMTP and a post on X. Each raises
:class:`DeliveryError` with a reason a person can act on; no secret ever goes into one."""

from __future__ import annotations

import base64
import logging
import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from .. import password_binding, secrets
from ..core.loopback import is_loopback
from ..password_binding import SMTP

SEND_TIMEOUT_S = 8.0

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Not delivered; ``reason`` says why in words fit for the user (and carries no secret)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _secret(name: str) -> str:
    try:
        value = secrets.get(name)
    except secrets.SecretStoreError as exc:
        raise DeliveryError(exc.message) from None
    if not value:
        raise DeliveryError(f"keyring entry {name} is not set (djamon-desktop secret set {name})")
    return value


# -- e-mail -------------------------------------------------------------------------------------


def email_problem(email: dict[str, Any]) -> str | None:
    """A missing setting that makes sending pointless, or None."""
    if not str(email.get("host", "")).strip():
        return "settings.email.host is not set"
    if not email.get("to"):
        return "settings.email.to has no recipient"
    return None


def send_email(
    email: dict[str, Any], subject: str, body: str, pdf: tuple[str, bytes] | None = None
) -> str:
    """Send one message to every recipient; return a line saying what happened. ``pdf``: a
    file to attach (its name and bytes), as ``application/pdf``."""
    problem = email_problem(email)
    if problem:
        raise DeliveryError(problem)
    host, port, security = email["host"], int(email["port"]), email["security"]
    username = email.get("username", "")
    sender = email.get("from") or username or f"djamon-desktop@{socket.getfqdn()}"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(email["to"])
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="djamon-desktop")
    message.set_content(body, charset="utf-8")
    if pdf is not None:
        message.add_attachment(pdf[1], maintype="application", subtype="pdf", filename=pdf[0])
    where = f"{host}:{port}"
    password = _smtp_password(email) if username else None  # before any connection is made
    context = ssl.create_default_context()  # honours SSL_CERT_FILE
    try:
        if security == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=SEND_TIMEOUT_S, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=SEND_TIMEOUT_S)
        with client:
            client.ehlo()
            if security == "starttls":
                if not client.has_extn("starttls"):
                    raise DeliveryError(
                        f"{where} does not offer STARTTLS, and security is starttls"
                    )
                client.starttls(context=context)
                client.ehlo()
            if username:
                _login(client, username, password or "")
            refused = client.send_message(message, from_addr=sender, to_addrs=email["to"])
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"{where} refused the login for {username!r}: {_smtp_text(exc)}; "
            "check settings.email.username and the keyring entry smtp_password"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            f"{where} refused every recipient: {', '.join(exc.recipients)}"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{where} answered {_smtp_text(exc)}") from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(
            f"{where}: the server's certificate did not verify ({exc.verify_message})"
        ) from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"{where}: TLS failed ({exc.reason or exc})") from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):
            raise DeliveryError(f"{where} did not answer within {SEND_TIMEOUT_S:g} s") from None
        raise DeliveryError(f"{where} closed the connection ({exc})") from None
    except TimeoutError:
        raise DeliveryError(f"{where} did not answer within {SEND_TIMEOUT_S:g} s") from None
    except socket.gaierror:
        raise DeliveryError(f"SMTP host {host!r} was not found") from None
    except ConnectionRefusedError:
        raise DeliveryError(f"{where} refused the connection") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{where}: {type(exc).__name__}: {exc}") from None
    if refused:
        log.warning("some recipients were refused: %s", ", ".join(refused))
    kept = [r for r in email["to"] if r not in refused]
    return f"sent to {', '.join(kept)} through {where} ({security})"


def plaintext_problem(email: Mapping[str, Any]) -> str | None:
    """Why a login with these settings would send the password unencrypted to another
    machine (``security`` none, a ``username``, a host that is not loopback as written), or
    None. Import and Settings refuse such settings; this keeps a login from being tried with
    ones stored by an older version or another desktop of a team."""
    host = str(email.get("host", "")).strip()
    if email.get("security") != "none" or not email.get("username") or is_loopback(host):
        return None
    return (
        f"settings.email.security is none: the SMTP password would go unencrypted to {host}, "
        "which is not this machine; use starttls or ssl"
    )


def _smtp_password(email: Mapping[str, Any]) -> str:
    """The keyring's smtp_password when it may go to this server; DeliveryError (no login
    tried) when the connection would not be encrypted or the password was set for another
    server."""
    problem = plaintext_problem(email)
    if problem:
        raise DeliveryError(problem)
    try:
        value = password_binding.password_for(SMTP, password_binding.smtp_server(email))
    except (secrets.SecretStoreError, password_binding.BoundElsewhere) as exc:
        raise DeliveryError(exc.message) from None
    if not value:
        raise DeliveryError(f"keyring entry {SMTP} is not set (djamon-desktop secret set {SMTP})")
    return value


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib's login only takes ASCII; AUTH PLAIN carries UTF-8 (RFC 4616) for the rest."""
    if (username + password).isascii():
        client.login(username, password)
        return
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, answer = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{exc.smtp_code} {text}".strip()


# -- X ------------------------------------------------------------------------------------------


def post_on_x(text: str) -> str:
    """Post with tweepy's v2 Client and the OAuth 1.0a user credentials in the keyring."""
    import requests
    import tweepy

    logging.getLogger("tweepy").setLevel(logging.WARNING)  # its debug lines echo bodies
    credentials = [_secret(name) for name in secrets.TWITTER_NAMES]
    client = tweepy.Client(*([None] + credentials))
    client.session = _DeadlineSession()
    try:
        response = client.create_tweet(text=text, user_auth=True)
    except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
        raise DeliveryError(
            f"X refused the post ({_x_text(exc)}); check the keyring entries "
            f"{', '.join(secrets.TWITTER_NAMES)}"
        ) from None
    except tweepy.TooManyRequests:
        raise DeliveryError("X is limiting requests (429); the post will be tried again") from None
    except tweepy.TwitterServerError as exc:
        raise DeliveryError(f"X is unavailable ({_x_text(exc)}); tried again later") from None
    except tweepy.HTTPException as exc:
        raise DeliveryError(f"X refused the post ({_x_text(exc)})") from None
    except requests.exceptions.SSLError:
        raise DeliveryError("X: the TLS certificate did not verify") from None
    except requests.exceptions.Timeout:
        raise DeliveryError(f"X did not answer within {SEND_TIMEOUT_S:g} s") from None
    except requests.exceptions.RequestException as exc:
        raise DeliveryError(f"X could not be reached ({type(exc).__name__})") from None
    data = getattr(response, "data", None) or {}
    return f"posted on X (post {data.get('id', '?')})"


def _x_text(exc: Any) -> str:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", "?")
    detail = "; ".join(str(m) for m in getattr(exc, "api_messages", []) if m)
    return f"{status} {detail}".strip()


class _DeadlineSession:
    """A requests session whose every request has a timeout (tweepy's has none)."""

    def __init__(self) -> None:
        import requests

        self._session = requests.Session()

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", SEND_TIMEOUT_S)
        return self._session.request(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._session, name)
