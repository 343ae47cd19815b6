"""The e-mail adapter: one message over SMTP per delivery, its Message-ID made from the delivery id."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from services.notifier.channels import Message, SendError


class EmailSender:
    def __init__(self, host: str, port: int, sender: str, timeout: float) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    def _send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.address, message.title
        # The same on every attempt: a mailbox that got an attempt whose answer was lost sees the repeat.
        mail["Message-ID"] = f"<{message.key}@gridgov>"
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(mail)

    async def send(self, message: Message) -> None:
        try:
            await asyncio.to_thread(self._send, message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise SendError(f"the mail server refused the address ({codes[0] if codes else '?'})",
                            permanent=all(code >= 500 for code in codes)) from None
        except smtplib.SMTPResponseException as error:
            raise SendError(f"the mail server answered {error.smtp_code}", permanent=error.smtp_code >= 500) from None
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(f"the mail server could not be reached: {type(error).__name__}") from None
