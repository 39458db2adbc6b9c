"""The e-mails contractors, managers, supervisors and residents read: Ukrainian text from a
payload."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

PRIORITY = {"emergency": "АВАРІЙНЕ", "urgent": "ТЕРМІНОВЕ", "normal": ""}
SUBJECTS = {
    "appeal.assigned": "Нове звернення {number}",
    "appeal.reminder": "Нагадування: звернення {number} не підтверджено",
    "appeal.escalated": "Ескалація: {contractor} не підтвердив(ла) звернення {number}",
    "appeal.withdrawn": "Звернення {number} передано іншому виконавцю",
    "appeal.returned": "Звернення {number} повернуто: мешканець не підтвердив виконання",
}
INTROS = {
    "appeal.assigned": "Гаряча лінія 1580 передає вам звернення мешканця.",
    "appeal.reminder": "Ви ще не підтвердили отримання цього звернення. Будь ласка, візьміть "
                       "його в роботу або дайте відповідь.",
    "appeal.escalated": "Виконавець «{contractor}» не підтвердив отримання звернення вчасно "
                        "(вдруге). Просимо втрутитися.",
    "appeal.withdrawn": "Звернення більше не у вашій роботі: його передано іншому виконавцю. "
                        "Причина: {note}",
    "appeal.returned": "Оператор гарячої лінії зателефонував мешканцю: той не підтверджує, що "
                       "роботу виконано. Звернення знову у вашій роботі. Слова мешканця: {note}",
}


# To residents: the confirmation of an appeal filed on the portal.
RESIDENT_SUBJECTS = {"resident.filed": "Ваше звернення {number} зареєстровано",
                     "resident.mail_received": "Ваш лист отримано: звернення {number}"}
RESIDENT_BODIES = {"resident.filed": (
    "Дякуємо! Ваше звернення до гарячої лінії 1580 зареєстровано і передано виконавцю.\n\n"
    "Номер звернення: {number}\n\n"
    "Перевірити, що з ним, можна тут: {status_url}\n"
    "Знадобляться номер звернення і ця адреса електронної пошти.\n\n"
    "--\n"
    "Автоматичний лист гарячої лінії 1580. Якщо ви не подавали звернення, просто видаліть "
    "цей лист.\n"),
    "resident.mail_received": (
        "Дякуємо! Ваш лист до гарячої лінії 1580 отримано і зареєстровано як звернення.\n"
        "Оператор уточнить категорію та адресу і передасть його виконавцю.\n\n"
        "Номер звернення: {number}\n\n"
        "Перевірити, що з ним, можна тут: {status_url}\n"
        "Знадобляться номер звернення і ця адреса електронної пошти.\n\n"
        "Щоб доповнити звернення, відповідайте на цей лист і не змінюйте номер у темі: "
        "ваша відповідь потрапить до того самого звернення.\n\n"
        "--\n"
        "Автоматичний лист гарячої лінії 1580.\n")}


# To residents: a letter the hotline could not take, and why.
REFUSED_SUBJECT = "Ваш лист не прийнято"
REFUSED_WHY = {
    "too_large": "лист завеликий (разом із вкладеннями)",
    "too_many_attachments": "у листі забагато вкладень",
    "too_many_recipients": "лист надіслано забагатьом адресатам одразу",
}
REFUSED_BODY = (
    "На жаль, гаряча лінія 1580 не змогла прийняти ваш лист: {why}.\n\n"
    "Надішліть, будь ласка, коротший лист лише на нашу адресу, з кількома фото, "
    "або зателефонуйте на 1580. Звернення за цим листом не зареєстровано.\n\n"
    "--\n"
    "Автоматичний лист гарячої лінії 1580.\n")


def subject(payload: Mapping[str, Any]) -> str:
    if payload["event"] == "resident.mail_refused":
        return REFUSED_SUBJECT
    if _written(payload):
        return str(payload["subject"])
    if payload["event"] in RESIDENT_SUBJECTS:
        return RESIDENT_SUBJECTS[payload["event"]].format(number=payload["appeal"]["number"])
    appeal = payload["appeal"]
    text = SUBJECTS.get(payload["event"], "Звернення {number}").format(
        number=appeal["number"], contractor=payload["contractor"]["name"])
    tags = [t for t in (PRIORITY.get(payload["assignment"]["priority"], ""),) if t]
    details = " — ".join(p for p in (category_of(appeal), appeal.get("address")) if p)
    return " ".join(f"[{t}]" for t in tags) + (" " if tags else "") + text + (
        f" — {details}" if details and payload["event"] == "appeal.assigned" else "")


def body(payload: Mapping[str, Any]) -> str:
    if payload["event"] == "resident.mail_refused":
        return REFUSED_BODY.format(why=REFUSED_WHY.get(payload.get("why", ""),
                                                       "лист не вдалося прочитати"))
    if _written(payload):
        return str(payload["text"])
    if payload["event"] in RESIDENT_BODIES:
        return RESIDENT_BODIES[payload["event"]].format(number=payload["appeal"]["number"],
                                                        status_url=payload["status_url"])
    appeal, assignment = payload["appeal"], payload["assignment"]
    intro = INTROS.get(payload["event"], "").format(contractor=payload["contractor"]["name"],
                                                    note=payload.get("note", ""))
    lines = [
        intro, "",
        f"Звернення № {appeal['number']}" + _priority(assignment["priority"]),
        f"Категорія: {category_of(appeal) or '—'}",
        f"Адреса: {appeal.get('address') or '—'}",
        f"Опис: {appeal.get('description') or '—'}",
        f"Заявник: {_resident(appeal)}",
        f"Надійшло: {_when(appeal.get('opened_at'))}",
        f"Виконати до: {_when(assignment.get('deadline'))}",
        f"Виконавець: {payload['contractor']['name']}",
        f"Підстава: {assignment.get('reason') or '—'}",
        "",
        f"Відповісти (взяти в роботу, запланувати, виконано, не наше, уточнення): "
        f"{payload['answer_url']}",
        "",
        "--",
        "Автоматичне повідомлення гарячої лінії 1580. Не відповідайте на цей лист: "
        "скористайтеся посиланням вище.",
        f"Ключ повідомлення: {payload.get('idempotency_key', '')}",
    ]
    return "\n".join(lines) + "\n"


def _written(payload: Mapping[str, Any]) -> bool:
    """A notice written whole by its feature (the duty desk, the outages digest): its own
    subject and text."""
    return (str(payload["event"]).startswith(("duty.", "outages.")) and "subject" in payload
            and "text" in payload)


def category_of(appeal: Mapping[str, Any]) -> str | None:
    """The category as people name it; the code only for a message queued before names were
    sent, or a category no longer in the file."""
    name = appeal.get("category_name")
    return str(name) if name else appeal.get("category")


def _priority(priority: str) -> str:
    label = PRIORITY.get(priority, "")
    return f" ({label.lower()})" if label else ""


def _resident(appeal: Mapping[str, Any]) -> str:
    parts = [p for p in (appeal.get("resident_name"), appeal.get("resident_phone")) if p]
    return ", ".join(parts) or "—"


def _when(value: str | None) -> str:
    if not value:
        return "—"
    return datetime.fromisoformat(value).strftime("%d.%m.%Y %H:%M")
