"""A real SMTP server for the tests: aiosmtpd with a trustme certificate, STARTTLS (or implicit
TLS) and AUTH required, that keeps every AUTH it is sent. It can be stopped and started again on
the same port."""

from __future__ import annotations

import email
import email.policy
import ssl
from dataclasses import dataclass

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .servers import closed_port

USER = "monitor@example.com"
PASSWORD = "s3cret-smtp-Pässword-7781"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


class _Handler:
    def __init__(self, inbox: list[Received]):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


def _authenticator(attempts: list[str]):
    """Checks a login against USER and PASSWORD; each attempt's login name is kept in
    ``attempts`` (whether it succeeded or not), so a test can tell that none was tried."""

    def authenticate(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode() if isinstance(auth_data, LoginPassword) else "?"
        attempts.append(login)
        ok = (
            isinstance(auth_data, LoginPassword)
            and login == USER
            and auth_data.password.decode() == PASSWORD
        )
        return AuthResult(success=ok, handled=False)  # a refusal gets its 535 answer

    return authenticate


class MailServer:
    def __init__(self, ca: trustme.CA, implicit_tls: bool = False):
        self.inbox: list[Received] = []
        self.auth_attempts: list[str] = []  # the login name of every AUTH it was sent
        self.port = closed_port()
        self.implicit_tls = implicit_tls
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(self._context)
        self._controller: Controller | None = None

    def start(self) -> MailServer:
        if self.implicit_tls:
            # the whole connection is TLS, but aiosmtpd only counts STARTTLS as encryption
            tls = {"ssl_context": self._context, "auth_require_tls": False}
        else:
            tls = {"tls_context": self._context, "require_starttls": True}
        self._controller = Controller(
            _Handler(self.inbox),
            hostname="127.0.0.1",
            port=self.port,
            auth_required=True,
            authenticator=_authenticator(self.auth_attempts),
            server_hostname="localhost",
            **tls,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, **extra) -> dict:
        return {
            "enabled": True,
            "host": "localhost",
            "port": self.port,
            "security": "ssl" if self.implicit_tls else "starttls",
            "username": USER,
            "from": "djamon@example.com",
            "to": ["ops@example.com", "boss@example.com"],
            **extra,
        }
