"""Plain-text e-mail over SMTP (stdlib only); settings come from SIDIP_SMTP_* environment variables."""
from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lib.errors import SidipError


class MailError(SidipError):
    """The SMTP server could not be reached or refused the message; never carries the password."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    starttls: bool = True
    timeout: float = 20


def smtp_settings_from_env(env=None) -> SmtpSettings | None:
    """None when SIDIP_SMTP_HOST is not set; the sender defaults to the login name."""
    env = os.environ if env is None else env
    host = env.get("SIDIP_SMTP_HOST", "").strip()
    if not host:
        return None
    username = env.get("SIDIP_SMTP_USER", "").strip()
    sender = env.get("SIDIP_SMTP_FROM", "").strip() or username
    if not sender:
        raise SidipError("SIDIP_SMTP_FROM belum diisi: tulis alamat pengirim surel, contoh ppid@kpu.go.id.")
    return SmtpSettings(host, _port(env.get("SIDIP_SMTP_PORT", "")), username,
                        env.get("SIDIP_SMTP_PASSWORD", ""), sender,
                        env.get("SIDIP_SMTP_STARTTLS", "1").strip() != "0")


def _port(text: str) -> int:
    if not text.strip():
        return 587
    if not text.strip().isdigit() or not 0 < int(text) < 65536:
        raise SidipError(f"SIDIP_SMTP_PORT tidak valid: \"{text[:20]}\". Contoh: 587 atau 465.")
    return int(text)


class SmtpMailer:
    """One connection per message: a refused recipient cannot spoil the next one."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        message = self._message(to, subject, body)
        try:
            with self._connect() as smtp:
                self._login(smtp)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as err:
            raise MailError(self._scrub(_describe(err, self.settings))) from None

    def _message(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.settings.sender, to, subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2] or None)
        message.set_content(body, charset="utf-8", cte="quoted-printable")
        return message

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.port == 465:  # implicit TLS (SMTPS)
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        return smtplib.SMTP(s.host, s.port, timeout=s.timeout)

    def _login(self, smtp: smtplib.SMTP) -> None:
        if self.settings.starttls and self.settings.port != 465:
            smtp.starttls(context=ssl.create_default_context())
        if self.settings.username:
            smtp.login(self.settings.username, self.settings.password)

    def _scrub(self, text: str) -> str:
        password = self.settings.password
        return text.replace(password, "***") if password else text


def _describe(err: Exception, s: SmtpSettings) -> str:
    """The failure in Indonesian, from the server's code and reply only."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return "Alamat ditolak server surel: " + "; ".join(
            f"{to} ({code} {_text(reply)})" for to, (code, reply) in err.recipients.items())
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return f"Login SMTP ditolak untuk pengguna {s.username} ({err.smtp_code} {_text(err.smtp_error)})."
    if isinstance(err, smtplib.SMTPResponseException):
        return f"Server surel menolak pesan ({err.smtp_code} {_text(err.smtp_error)})."
    if isinstance(err, smtplib.SMTPNotSupportedError):
        return f"Server surel {s.host}:{s.port} tidak mendukung STARTTLS/AUTH; periksa SIDIP_SMTP_STARTTLS."
    return f"Tidak dapat terhubung ke server surel {s.host}:{s.port} ({err.__class__.__name__})."


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
