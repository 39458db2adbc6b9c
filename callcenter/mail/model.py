"""Letters to the hotline, pure: read a message (charsets, encoded subjects, HTML-only
bodies, attachments), tell a person's letter from what must never become an appeal
(auto-replies, bounces, our own mail, loops), and find the appeal a reply refers to.

Nothing here does I/O: a message comes in as bytes, a `Letter` or a `Skipped` goes out, or
`LetterRefused` with a reason the sender is told.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

from bs4 import BeautifulSoup

from callcenter.core.errors import DomainError

LOOP_HEADER = "X-Callcenter-Loop"  # set on every letter we send
NUMBER = re.compile(r"(?<![\d-])(\d{4}-\d{6,9})(?![\d-])")
TEXT_MAX = 100_000  # characters of a letter's text kept
SUBJECT_MAX = 300
FILENAME_MAX = 120
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_OUR_ID = re.compile(r"(\d{4}-\d{6,9})\.[0-9a-f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")


class LetterRefused(DomainError):
    """A letter the hotline does not take: the sender is told `reason` (an SMTP 5xx, or a
    reply), nothing is stored."""

    error_id = "mail_refused"

    def __init__(self, reason: str, *, code: int = 550, why: str = "bad_letter") -> None:
        super().__init__(reason)
        self.reason = reason  # English, for the SMTP reply and the log
        self.code = code
        self.why = why  # too_large | too_many_attachments | too_many_recipients | bad_sender


class AttachmentNotFound(DomainError):
    error_id = "attachment_not_found"

    def __init__(self, attachment_id: int) -> None:
        super().__init__(f"no attachment {attachment_id}")


@dataclass(frozen=True, slots=True)
class MailRules:
    address: str  # ours, lower-cased
    max_message_bytes: int = 10_000_000
    max_attachments: int = 10
    max_recipients: int = 20
    # the domains of the Message-IDs we make (our address's and the sending relay's
    # `from_address`); empty: our address's
    domains: tuple[str, ...] = ()

    @property
    def our_domains(self) -> frozenset[str]:
        return frozenset(d.lower() for d in (*self.domains, self.address.rpartition("@")[2]))

    def ours(self, message_id: str) -> bool:
        return message_id.rpartition("@")[2].lower() in self.our_domains


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Letter:
    """A person's letter: who, what, and the appeal it answers (None: a new appeal)."""

    key: str  # the Message-ID, or the SHA-256 of the bytes when it has none: no doubles
    sender: str  # the address, lower-cased
    sender_name: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    number: str | None = None

    @property
    def description(self) -> str:
        """What the appeal's form starts with: the subject and the text."""
        return "\n\n".join(p for p in (self.subject, self.text) if p)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A message that is no letter from a person: logged, never an appeal."""

    key: str
    reason: str  # auto_reply | bounce | ours | loop | no_sender
    sender: str


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class WaitingLetter:
    """A letter whose appeal waits for an operator to complete it."""

    number: str
    sender: str
    sender_name: str
    subject: str
    text: str
    received_at: datetime
    attachments: list[AttachmentInfo] = field(default_factory=list)


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def read(raw: bytes, rules: MailRules, *, envelope_sender: str | None = None
         ) -> Letter | Skipped:
    """The letter in `raw`, or why it is skipped; `LetterRefused` beyond the limits.
    `envelope_sender` is SMTP's MAIL FROM (empty for a bounce) when there was one."""
    if len(raw) > rules.max_message_bytes:
        raise LetterRefused(f"the message is larger than {rules.max_message_bytes} bytes",
                            code=552, why="too_large")
    message = parse(raw)
    key = message_key(message, raw)
    name, sender = sender_of(message)
    if not sender and envelope_sender and "@" in envelope_sender:
        sender = envelope_sender.strip().lower()  # no From: the envelope's sender answers
    skipped = skip_reason(message, rules, sender=sender, envelope_sender=envelope_sender)
    if skipped:
        return Skipped(key, skipped, sender)
    if recipients(message) > rules.max_recipients:
        raise LetterRefused(f"more than {rules.max_recipients} recipients", code=554,
                            why="too_many_recipients")
    attachments = attachments_of(message)
    if len(attachments) > rules.max_attachments:
        raise LetterRefused(f"more than {rules.max_attachments} attachments", code=552,
                            why="too_many_attachments")
    subject = header_text(message, "Subject")[:SUBJECT_MAX]
    return Letter(key=key, sender=sender, sender_name=name, subject=subject,
                  text=body_text(message), attachments=tuple(attachments),
                  number=appeal_number(message, subject, rules))


def recipients(message: Message) -> int:
    """How many addresses To and Cc name."""
    values = [header_text(message, h) for h in ("To", "Cc")]
    return len([a for _, a in getaddresses([v for v in values if v]) if a])


def message_key(message: Message, raw: bytes) -> str:
    found = _MESSAGE_ID.search(header_text(message, "Message-ID"))
    if found:
        return found.group(1)[:250]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def header_text(message: Message, name: str) -> str:
    """A header as text: RFC 2047 words decoded, raw 8-bit bytes read as UTF-8 or else
    Windows-1251, control characters dropped; "" when missing or unreadable."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, LookupError):  # a header email cannot parse
        value = None
    if value is None:
        return ""
    text = str(value)
    if "\ufffd" in text:  # raw 8-bit bytes: read them from the source as they came
        text = _eight_bit(message, name) or text
    return " ".join(_CONTROL.sub(" ", text).split())


def _eight_bit(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower() and isinstance(value, str):
            data = value.encode("utf-8", "surrogateescape")
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode("cp1251", "replace")
    return None


def sender_of(message: Message) -> tuple[str, str]:
    """(name, address lower-cased) of From; ("", "") without one."""
    name, address = parseaddr(header_text(message, "From"))
    address = address.strip().lower()
    if "@" not in address or len(address) > 254:
        return "", ""
    return name.strip()[:128], address


def skip_reason(message: Message, rules: MailRules, *, sender: str,
                envelope_sender: str | None) -> str | None:
    """Why this message must not become an appeal; None for a person's letter."""
    if is_bounce(message, sender, envelope_sender):
        return "bounce"
    if is_auto_reply(message):
        return "auto_reply"
    if is_loop(message, rules):
        return "loop"
    if sender == rules.address:
        return "ours"
    if not sender:
        return "no_sender"
    return None


def is_auto_reply(message: Message) -> bool:
    auto = header_text(message, "Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return True
    if header_text(message, "Precedence").lower() in {"bulk", "junk", "list"}:
        return True
    return any(header_text(message, h) for h in ("X-Autoreply", "X-Autorespond"))


def is_bounce(message: Message, sender: str, envelope_sender: str | None) -> bool:
    if envelope_sender == "":  # MAIL FROM:<> is what a delivery report comes with
        return True
    if (message.get_content_type() == "multipart/report"
            and str(message.get_param("report-type", "")).lower() == "delivery-status"):
        return True
    return sender.partition("@")[0] in {"mailer-daemon", "postmaster"}


def is_loop(message: Message, rules: MailRules) -> bool:
    """Our own letter come back (it carries our loop header, or our own Message-ID), or a
    ping-pong: a person's reply refers to one letter of ours, an auto-responder's many."""
    if header_text(message, LOOP_HEADER):
        return True
    own = _MESSAGE_ID.search(header_text(message, "Message-ID"))
    if own and rules.ours(own.group(1)):
        return True
    return len({i for i in referred_ids(message) if rules.ours(i)}) > 1


def referred_ids(message: Message) -> list[str]:
    text = header_text(message, "In-Reply-To") + " " + header_text(message, "References")
    return _MESSAGE_ID.findall(text)


def appeal_number(message: Message, subject: str, rules: MailRules) -> str | None:
    """The appeal a reply is about: from a Message-ID we made (In-Reply-To, References),
    else a number in the subject."""
    for ref in reversed(referred_ids(message)):
        found = _OUR_ID.fullmatch(ref.rpartition("@")[0])
        if found and rules.ours(ref):
            return found.group(1)
    match = NUMBER.search(subject)
    return match.group(1) if match else None


def body_text(message: EmailMessage) -> str:
    """The readable text: the plain part, else the HTML part as text, else nothing."""
    part = _body_part(message)
    if part is None:
        return ""
    text = part_text(part)
    if part.get_content_type() == "text/html":
        text = html_text(text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()[:TEXT_MAX]


def _body_part(message: EmailMessage) -> Message | None:
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except (KeyError, ValueError, IndexError, TypeError):
        return None


def part_text(part: Message) -> str:
    """A text part decoded by its charset (Windows-1251, KOI8-U...), never failing: an
    unknown or lying charset is read as UTF-8 with replacements."""
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return str(part.get_payload() or "")
    charset = str(part.get_content_charset() or "utf-8")
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", "replace")


def html_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    return soup.get_text("\n")


def attachments_of(message: EmailMessage) -> list[Attachment]:
    """Every attachment as it came: archives are never unpacked (a zip bomb stays a few
    bytes of zip), the body's own text part is not one."""
    found = []
    try:
        parts = list(message.iter_attachments())
    except (KeyError, ValueError, TypeError, AttributeError):
        return []
    for part in parts:
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        found.append(Attachment(filename=safe_filename(part.get_filename() or ""),
                                content_type=part.get_content_type()[:100], data=data))
    return found


def safe_filename(name: str) -> str:
    """The name shown to operators: no path, no control characters, bounded."""
    name = _CONTROL.sub("", name.replace("\\", "/")).rpartition("/")[2].strip()
    return name[:FILENAME_MAX] or "attachment"


def recipients_over(count: int, rules: MailRules) -> bool:
    return count > rules.max_recipients
