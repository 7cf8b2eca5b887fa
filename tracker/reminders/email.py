"""Reminders by e-mail, the second way besides push: the same words as the push,
a link to the guided session, and a one-click unsubscribe for that one reminder
(RFC 8058: ``List-Unsubscribe`` with an https URL of this app and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``; the URL needs no sign-in and
works only for that reminder).

The dispatcher sends a batch over one SMTP connection, outside any transaction, and
records each message's outcome beside the pushes' (``{"channel": "email", ...}``).
Each message is written in its person's language (``Letter.locale``: their choice,
None for English): subject, body and the template around it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_mailman import EmailMessage

from tracker.auth.mail import mail_configured
from tracker.domain.wording import N_, Text
from tracker.extensions import mail
from tracker.i18n import speaking, translate

SUBJECT = N_("Time to stretch")
UNAVAILABLE = N_("E-mail reminders need a mail server, and this server has none set up.")


@dataclass(frozen=True)
class Letter:
    """One reminder e-mail to send: ``owner`` is the caller's index for the result."""

    owner: int
    address: str
    body: str
    guide_url: str
    unsubscribe_url: str
    locale: str | None = None  # the person's language (None: English)


def available() -> bool:
    """Whether this server can send e-mail reminders (an SMTP server is configured)."""
    return mail_configured()


def unavailable_reason() -> str:
    """In English (the API's message); pages translate it (``UNAVAILABLE`` is marked)."""
    return UNAVAILABLE


def message_of(letter: Letter) -> EmailMessage:
    with speaking(letter.locale):
        text = render_template("reminders/reminder_email.txt", body=translate(letter.body),
                               guide_url=letter.guide_url,
                               unsubscribe_url=letter.unsubscribe_url)
        subject = translate(Text(SUBJECT))
    return EmailMessage(subject=str(subject), body=text, to=[letter.address], headers={
        "List-Unsubscribe": f"<{letter.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",  # no vacation auto-replies to reminders
    })


def send_all(letters: list[Letter]) -> list[dict]:
    """Send each letter over one SMTP connection; one outcome per letter, in order:
    ``{"channel": "email", "outcome": "sent" | "failed", "reason"?}``."""
    if not letters:
        return []
    outcomes: list[dict] = []
    try:
        connection = mail.get_connection(fail_silently=False)
        connection.open()
    except Exception as err:  # noqa: BLE001 - no server: every letter failed, say why
        current_app.logger.warning("reminder mail: cannot reach the mail server: %s", err)
        return [{"channel": "email", "outcome": "failed", "reason": "mail_server"}] * len(letters)
    try:
        for letter in letters:
            try:
                connection.send_messages([message_of(letter)])
                outcomes.append({"channel": "email", "outcome": "sent"})
            except Exception as err:  # noqa: BLE001 - one refused address stops no other
                current_app.logger.warning("reminder mail to %s failed: %s", letter.address, err)
                outcomes.append({"channel": "email", "outcome": "failed", "reason": "refused"})
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - the messages are out; a bad goodbye is not news
            pass
    return outcomes
