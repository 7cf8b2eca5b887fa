"""Account mail: password-reset links, links confirming a new email address (or, when
the address already has an account, a notice to it instead), and "your email/password
was changed" notices, sent over SMTP through Flask-Mailman (configured by
TRACKER_MAIL_*).

Mail leaves outside the request: a request only renders its message and puts it on a
bounded queue that one daemon thread per app (and process) sends from, so a reset
request for a registered address takes as long as one for an unknown address (a
timing difference would tell who has an account). A full queue drops the message
with a warning instead of making the request wait. ``outbox_drained`` waits until
everything queued has been handed to the SMTP server (tests, shutdown scripts).

Every mail speaks its recipient's language (their choice, else the language of the
request they made; ``tracker.i18n.person_locale``), subject and body alike.

Links in mail are built on TRACKER_PUBLIC_URL, never on the Host the request came
with (a forged Host would otherwise send someone's reset link to another site).
"""
from __future__ import annotations

import atexit
import os
import queue
import threading
import time

from flask import Flask, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_mailman import EmailMessage

from tracker import i18n
from tracker.auth import service
from tracker.auth.models import User
from tracker.domain.wording import Text
from tracker.public_url import public_url

EXTENSION = "tracker_mail_sender"
_start_lock = threading.Lock()


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def reset_link(user: User) -> str:
    """An absolute link to the reset page (needs a request context for the path)."""
    path = url_for("auth_pages.reset_with_token", token=service.reset_token(user))
    return public_url() + path


def email_confirm_link(user: User, email: str) -> str:
    """An absolute link to the page that moves ``user`` to ``email``."""
    path = url_for("auth_pages.confirm_email", token=service.email_confirm_token(user, email))
    return public_url() + path


class MailSender:
    """One daemon thread sending the messages of one app from a bounded queue."""

    def __init__(self, app: Flask, size: int):
        self.app = app
        self.pid = os.getpid()
        self.queue: queue.Queue[EmailMessage] = queue.Queue(maxsize=max(1, size))
        self.pending = 0  # queued or being sent
        self.idle = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
        self.thread.start()
        # A daemon thread dies with the process: a worker that exits gives what it
        # queued a few seconds to go out first.
        atexit.register(self.drained, 5.0)

    def submit(self, message: EmailMessage) -> bool:
        with self.idle:
            try:
                self.queue.put_nowait(message)
            except queue.Full:
                self.app.logger.warning("mail: the outgoing queue is full (%d); a message "
                                        "to %s was dropped", self.queue.maxsize, message.to)
                return False
            self.pending += 1
        return True

    def _run(self) -> None:
        while True:
            message = self.queue.get()
            try:
                with self.app.app_context():
                    message.send()
            except Exception:  # noqa: BLE001 - a failed mail must not end the sender
                self.app.logger.exception("mail: sending to %s failed", message.to)
            finally:
                with self.idle:
                    self.pending -= 1
                    self.idle.notify_all()

    def drained(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.idle:
            while self.pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.idle.wait(left)
        return True


def _sender(app: Flask, start: bool = True) -> MailSender | None:
    """This app's sender in this process, started on first use (a forked worker
    starts its own: threads do not survive a fork)."""
    sender = app.extensions.get(EXTENSION)
    if (sender is None or sender.pid != os.getpid()) and start:
        with _start_lock:
            sender = app.extensions.get(EXTENSION)
            if sender is None or sender.pid != os.getpid():
                sender = MailSender(app, int(app.config["MAIL_QUEUE_SIZE"]))
                app.extensions[EXTENSION] = sender
    return sender


def _this_app() -> Flask:
    """The app itself behind ``current_app`` (the sender thread outlives the request)."""
    return current_app.app_context().app


def outbox_drained(timeout: float = 10.0, app: Flask | None = None) -> bool:
    """Wait until every queued message of ``app`` (default: the current one) has been
    sent or given up on; False when ``timeout`` seconds passed first."""
    sender = _sender(app or _this_app(), start=False)
    return True if sender is None else sender.drained(timeout)


def send(address: str, subject: str, template: str, **context) -> bool:
    """Render ``template`` and queue it for ``address``; no mail server: nothing.
    Rendered in the language of the ``speaking`` block around the call."""
    if not mail_configured():
        return False
    message = EmailMessage(subject=subject, body=render_template(template, **context),
                           to=[address])
    return _sender(_this_app()).submit(message)


def _owner(address: str, user: User | None = None) -> User | None:
    """The account a mail to ``address`` is about (its language is the mail's)."""
    return user if user is not None else service.find_user(address)


def send_reset_link(user: User) -> None:
    """Queue the link; the person sees the same answer whatever happens to it (which
    also does not tell whether the address has an account)."""
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    # whoever asks knows the address: most likely its owner, in their browser's language
    with i18n.speaking(i18n.person_locale(user, asking=True)):
        send(user.email, _("Reset your Backstretch password"), "auth/reset_email.txt",
             link=reset_link(user), minutes=minutes)


def email_change_said(email: str) -> Text:
    """What a person is told after asking to move to ``email``, whoever has it: English
    for the API, translated on pages (``tracker.i18n.translate``)."""
    if not mail_configured():
        return Text("This server cannot send email, so %(email)s cannot be confirmed and "
                    "your email stays as it is. Ask whoever runs the server.", email=email)
    return Text("We sent a link to %(email)s. Your email changes when you open it. Check "
                "your inbox (and the spam folder).", email=email)


def send_email_change(user: User, email: str, taken: bool) -> None:
    """Mail the address a person asked to move to: a link to confirm it, or, when
    another account has it, a notice to that account's owner (in their language). One
    message either way, rendered and queued alike, so the answer does not tell which
    it was."""
    if taken:
        # the other account's owner is not the one asking: their own choice, else English
        with i18n.speaking(getattr(_owner(email), "locale", None)):
            send(email, _("Someone tried to use this address for Backstretch"),
                 "auth/email_taken_email.txt",
                 login_url=public_url() + url_for("auth_pages.login"),
                 reset_url=public_url() + url_for("auth_pages.reset_request"))
    else:
        minutes = int(current_app.config["EMAIL_CONFIRM_MAX_AGE"]) // 60
        with i18n.speaking(i18n.person_locale(user)):
            send(email, _("Confirm your new Backstretch email address"),
                 "auth/email_confirm_email.txt", link=email_confirm_link(user, email),
                 minutes=minutes)


def notify_email_changed(old_address: str, new_address: str, user: User | None = None) -> None:
    """Tell the old address that the account moved (if it wasn't them, they know)."""
    with i18n.speaking(i18n.person_locale(_owner(new_address, user))):
        send(old_address, _("Your Backstretch email address was changed"),
             "auth/email_changed_email.txt", new_address=new_address,
             reset_url=public_url() + url_for("auth_pages.reset_request"))


def notify_password_changed(address: str, user: User | None = None) -> None:
    with i18n.speaking(i18n.person_locale(_owner(address, user))):
        send(address, _("Your Backstretch password was changed"),
             "auth/password_changed_email.txt",
             reset_url=public_url() + url_for("auth_pages.reset_request"))
