"""The demo's residents: numbers on every trunk in the formats the lines deliver, Cyrillic
names, withheld numbers; and which captured call each one's call plays."""

from __future__ import annotations

import random
from dataclasses import dataclass

# A withheld number arrives like a SIP From of "Anonymous" <sip:anonymous@anonymous.invalid>.
WITHHELD = "anonymous"
NAMES = ("Іван Петренко", "Олена Коваль", "Марія Шевчук", "Петро Бойко", "Оксана Мельник",
         "Андрій Ткачук", "Галина Іванишин", "Богдан Гнатюк", "Ярослава Стефурак",
         "Василь Кузьмин", "Наталія Дмитрук", "Роман Федорів", "Ірина Гуменюк")
KYIVSTAR = ("67", "68", "96", "97", "98")
VODAFONE = ("50", "66", "95", "99")
# Captured calls that ring PJSIP/op1001 (the demo operator) and SIP/op1001 (the colleague).
ANSWERED_PJSIP = ("pjsip-landline-answered", "pjsip-cyrillic-name",
                  "pjsip-kyivstar-operator-hangup")
ANSWERED_SIP = ("landline-answered", "kyivstar-operator-hangup")
ABANDONED = ("pjsip-vodafone-abandoned", "vodafone-abandoned",
             "kyivstar-ringnoanswer-abandoned", "pjsip-queue-timeout")


@dataclass(frozen=True)
class Caller:
    number: str  # as the trunk delivers it (E.164, national, or six local digits)
    name: str | None  # None: the display name is the number
    trunk: str  # landline | kyivstar | vodafone


def callers(seed: int, count: int = 40) -> list[Caller]:
    rng = random.Random(seed)
    return [_caller(rng, index) for index in range(count)]


def _caller(rng: random.Random, index: int) -> Caller:
    name = rng.choice(NAMES) if rng.random() < 0.6 else None
    kind = index % 3
    if index % 17 == 16:
        return Caller(WITHHELD, "Anonymous", "vodafone" if kind else "kyivstar")
    if kind == 0:
        digits = f"{rng.randint(50, 79)}{rng.randint(1000, 9999)}"
        number = rng.choice((digits, f"0342{digits}", f"+380342{digits}"))
        return Caller(number, name, "landline")
    prefixes, trunk = (KYIVSTAR, "kyivstar") if kind == 1 else (VODAFONE, "vodafone")
    national = f"0{rng.choice(prefixes)}{rng.randint(1_000_000, 9_999_999)}"
    return Caller(rng.choice((f"+38{national}", national)), name, trunk)


def scenario_for(caller: Caller, answered: bool, rng: random.Random) -> str:
    """Half the answered calls ring the demo operator; the rest the colleague."""
    if not answered:
        return rng.choice(ABANDONED)
    return rng.choice(ANSWERED_PJSIP if rng.random() < 0.6 else ANSWERED_SIP)
