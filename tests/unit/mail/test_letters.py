"""Reading letters: charsets, encoded subjects, HTML-only bodies, what is no person's
letter, the appeal a reply names, and the limits."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import pytest

from callcenter.mail.model import Letter, LetterRefused, MailRules, Skipped, read

RULES = MailRules(address="1580@city.example.org", max_message_bytes=200_000,
                  max_attachments=2, max_recipients=3)


def mail(body: str = "Не працює ліфт у під'їзді 2", *, subject: str = "Ліфт",
         sender: str = "Оксана <oksana@example.org>", charset: str = "utf-8",
         html: bool = False, **headers: str) -> bytes:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "1580@city.example.org"
    m["Subject"] = subject
    m["Message-ID"] = "<abc123@example.org>"
    for name, value in headers.items():
        m[name.replace("_", "-")] = value
    m.set_content(body, subtype="html" if html else "plain", charset=charset)
    return m.as_bytes()


def letter(raw: bytes, **kwargs: str) -> Letter:
    found = read(raw, RULES, **kwargs)
    assert isinstance(found, Letter), found
    return found


def skipped(raw: bytes, **kwargs: str) -> str:
    found = read(raw, RULES, **kwargs)
    assert isinstance(found, Skipped), found
    return found.reason


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-u", "utf-8"])
def test_cyrillic_bodies_and_encoded_subjects_decode(charset: str) -> None:
    got = letter(mail("Прорвало трубу на вулиці Незалежності, їде вода",
                      subject="Аварія: вода ллється", charset=charset))
    assert got.text == "Прорвало трубу на вулиці Незалежності, їде вода"
    assert got.subject == "Аварія: вода ллється"
    assert got.sender == "oksana@example.org" and got.sender_name == "Оксана"
    assert got.key == "abc123@example.org"
    assert got.number is None


def test_html_only_mail_becomes_readable_text() -> None:
    got = letter(mail("<html><head><style>p{color:red}</style></head><body><p>Яма на "
                      "дорозі</p><script>alert(1)</script><p>біля школи</p></body></html>",
                      html=True))
    assert "Яма на дорозі" in got.text and "біля школи" in got.text
    assert "<" not in got.text and "alert" not in got.text and "color" not in got.text


def test_raw_eight_bit_headers_are_read() -> None:
    raw = (b"From: =?utf-8?b?0J7QutGB0LDQvdCw?= <oksana@example.org>\r\n"
           b"To: 1580@city.example.org\r\nMessage-ID: <x8@example.org>\r\n") + \
        "Subject: Сміття не вивезли\r\n".encode("cp1251") + \
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + "Третій день".encode()
    got = letter(raw)
    assert got.subject == "Сміття не вивезли"
    assert got.text == "Третій день"


def test_broken_mime_and_missing_headers_still_read_as_text() -> None:
    raw = (b"From: someone@example.org\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n"
           b"\r\n--zz\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nhello there\r\n")
    got = letter(raw)
    assert "hello there" in got.text
    assert got.key.startswith("sha256:")  # no Message-ID: the bytes name it
    assert got.subject == ""


@pytest.mark.parametrize(("headers", "reason"), [
    ({"Auto_Submitted": "auto-replied"}, "auto_reply"),
    ({"Precedence": "bulk"}, "auto_reply"),
    ({"Precedence": "list"}, "auto_reply"),
    ({"X_Autoreply": "yes"}, "auto_reply"),
    ({"X_Autorespond": "Out of office"}, "auto_reply"),
    ({"X_Callcenter_Loop": "1"}, "loop"),
    ({"References": "<2026-000001.aa@city.example.org> <2026-000002.bb@city.example.org>"},
     "loop"),
])
def test_machines_are_not_residents(headers: dict[str, str], reason: str) -> None:
    assert skipped(mail(**headers)) == reason


def test_auto_submitted_no_is_a_person() -> None:
    letter(mail(Auto_Submitted="no"))


def test_bounces_and_our_own_mail_are_skipped() -> None:
    assert skipped(mail(sender="MAILER-DAEMON@mx.example.org")) == "bounce"
    assert skipped(mail(), envelope_sender="") == "bounce"
    report = EmailMessage()
    report["From"] = "mx@example.org"
    report["Message-ID"] = "<r1@example.org>"
    report.set_content("failed")
    report.make_mixed()
    report.replace_header("Content-Type",
                          "multipart/report; report-type=delivery-status; boundary=b1")
    assert skipped(report.as_bytes()) == "bounce"
    assert skipped(mail(sender="Гаряча лінія <1580@city.example.org>")) == "ours"


def test_a_reply_names_its_appeal_by_our_message_id_or_the_subject() -> None:
    ours = "<2026-000042.0123abcd@city.example.org>"
    assert letter(mail(In_Reply_To=ours, References=ours)).number == "2026-000042"
    assert letter(mail(subject="Re: Ваш лист отримано: звернення 2026-000077")
                  ).number == "2026-000077"
    assert letter(mail(subject="Re: 12026-0000771")).number is None
    foreign = "<2026-000042.0123abcd@elsewhere.example.org>"
    assert letter(mail(In_Reply_To=foreign)).number is None


def test_limits_refuse_the_letter() -> None:
    with pytest.raises(LetterRefused) as too_big:
        read(mail("я" * 200_000), RULES)
    assert too_big.value.code == 552 and too_big.value.why == "too_large"
    with pytest.raises(LetterRefused) as crowd:
        read(mail(Cc=", ".join(f"a{i}@example.org" for i in range(5))), RULES)
    assert crowd.value.why == "too_many_recipients"
    m = EmailMessage()
    m["From"] = "a@example.org"
    m.set_content("photos")
    for i in range(3):
        m.add_attachment(b"x" * 10, maintype="image", subtype="jpeg", filename=f"{i}.jpg")
    with pytest.raises(LetterRefused) as many:
        read(m.as_bytes(), RULES)
    assert many.value.why == "too_many_attachments"


def test_archives_are_kept_as_they_came_never_unpacked() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.bin", b"\0" * 20_000_000)  # 20 MB of zeros in a few KB
    m = EmailMessage()
    m["From"] = "a@example.org"
    m["Subject"] = "Файли"
    m.set_content("див. вкладення")
    m.add_attachment(bomb.getvalue(), maintype="application", subtype="zip",
                     filename="../../etc/passwd.zip")
    got = letter(m.as_bytes())
    assert len(got.attachments) == 1
    assert got.attachments[0].data == bomb.getvalue()
    assert got.attachments[0].filename == "passwd.zip"
    assert got.text == "див. вкладення"


def test_our_relay_domain_names_the_appeal_too() -> None:
    rules = MailRules(address="1580@city.example.org", domains=("relay.example.org",))
    raw = mail(In_Reply_To="<2026-000099.abcdef@relay.example.org>")
    found = read(raw, rules)
    assert isinstance(found, Letter) and found.number == "2026-000099"


def test_without_from_the_envelope_sender_is_the_sender() -> None:
    raw = b"Subject: =?utf-8?b?0JvRltGE0YI=?=\r\n\r\nno headers to speak of\r\n"
    assert skipped(raw) == "no_sender"
    got = letter(raw, envelope_sender="Petro@Example.org")
    assert (got.sender, got.subject, got.text) == ("petro@example.org", "Ліфт",
                                                   "no headers to speak of")
