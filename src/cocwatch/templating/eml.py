"""Letters as unsent email drafts (.eml, ``X-Unsent: 1``) that mail clients open ready to edit
and send: the plain-text letter as the body, the recipient, copies and sender as addresses.

The standard library's `email` package, imported when a draft is built (it is slow to load).
May import `.text` and `cocwatch.core.letters` (lazily, for the missing-address placeholder).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from cocwatch.templating.text import to_text

if TYPE_CHECKING:
    from email.headerregistry import Address

    from cocwatch.core.letters import Placeholder
    from cocwatch.templating.rendered import RenderedLetter


def to_eml(
    text: str,
    *,
    subject: str,
    to: Sequence[tuple[str | None, str]],
    cc: Sequence[tuple[str | None, str]] = (),
    sender: tuple[str | None, str] | None = None,
    on: date | None = None,
) -> bytes:
    """An unsent email draft (X-Unsent: 1) that mail clients open ready to edit and send."""
    from email.message import EmailMessage
    from email.policy import default as email_policy
    from email.utils import format_datetime

    msg = EmailMessage(policy=email_policy)
    if on is not None:
        # The letter's date; a mail client stamps the real one when the draft is sent.
        msg["Date"] = format_datetime(datetime(on.year, on.month, on.day, 9, 0, tzinfo=UTC))
    if to:
        msg["To"] = [_address(n, e) for n, e in to]
    if cc:
        msg["Cc"] = [_address(n, e) for n, e in cc]
    if sender:
        msg["From"] = _address(*sender)
    msg["Subject"] = subject
    msg["X-Unsent"] = "1"
    msg.set_content(text, subtype="plain", charset="utf-8")
    # Folded at 78 characters, a subject that fits a line of its own but not after "Subject: "
    # moves to the next line whole, and mail programs then show it with a leading space.
    # Headers may run to 998 characters (RFC 5322), so they are left unfolded; the body was
    # encoded by set_content above and is written as it is.
    return msg.as_bytes(policy=msg.policy.clone(max_line_length=998))


def _address(name: str | None, email: str) -> Address:
    from email.headerregistry import Address

    return Address(display_name=name or "", addr_spec=email)


def usable_email(value: str | None) -> str | None:
    """The address, if it is one an email header can carry; else None."""
    from email.headerregistry import Address

    if not value:
        return None
    value = value.strip()
    try:
        Address(addr_spec=value)
    except Exception:  # email raises several error types for a malformed address
        return None
    return value if "@" in value else None


def eml_bytes(letter: RenderedLetter) -> bytes:
    """The letter as an email draft to its recipient, copied to its copies, from its sender."""
    ctx = letter.context
    to = usable_email(ctx.recipient.email)
    cc = [(c.name, e) for c in ctx.copies if (e := usable_email(c.email))]
    sender = usable_email(ctx.sender.email)
    return to_eml(
        to_text(letter.markdown),
        subject=letter.subject,
        to=[(ctx.recipient.name, to)] if to else [],
        cc=cc,
        sender=(ctx.sender.name, sender) if sender else None,
        on=ctx.date,
    )


def missing_address(letter: RenderedLetter) -> list[Placeholder]:
    """A placeholder for the recipient's email address when the draft has no To: address."""
    from cocwatch.core.letters import placeholder

    recipient = letter.context.recipient
    if usable_email(recipient.email) is not None:
        return []
    return [placeholder(f"Email address of the {recipient.role_title}")]
