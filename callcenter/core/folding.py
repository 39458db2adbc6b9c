"""Search keys: `fold(text)`, the one normalization behind every case-insensitive search.

SQLite's `lower()` and `LIKE` fold only ASCII, so "Незалежності" never matches "незалежності"
there. Instead of relying on the database, searchable fields are stored a second time as
`fold(field)` in key columns, queries are folded the same way, and the database compares keys
with plain `LIKE` — identical results on SQLite and PostgreSQL.

What `fold` does, in this order:

1. `№` becomes a space (NFKC would turn it into "No"), and every apostrophe variant becomes
   `'` (NFKC would turn `´` into a space and an accent).
2. Unicode NFKC: compatibility forms become plain ones (full-width digits, ligatures,
   non-breaking and other exotic spaces, superscripts), and letters are composed (й, ї).
3. Latin letters that look like Cyrillic ones (`i`, `a`, `o`, `c`, `e`, `p`, `x`, `y`, and the
   capitals `A B C E H I K M O P T X`, plus `ï Ï`) become Cyrillic inside a word that has
   Cyrillic letters, and in a letter run right after a digit (house numbers: `12A` -> `12А`).
   Typing a Latin `i` for the Ukrainian `і` is common and invisible on screen.
4. Unicode casefold (full case folding, stronger than lower()).
5. Stress marks (combining acute and grave accents) are dropped: `Шевче́нка` -> `шевченка`.
6. Apostrophes of every kind (`'` `’` `‘` `ʼ` `ʹ` `` ` `` `´` `′`) are removed, so
   `Обʼєднання`, `Об'єднання`, `Об’єднання` and `Обєднання` all give `обєднання`.
7. `ґ` -> `г` and `ё` -> `е`: residents (and many keyboards) write г for ґ, and ё is never
   Ukrainian. No other letter is merged: `і`, `и`, `ї`, `є`, `е` stay distinct.
8. Every character that is not a letter, a digit or `/` becomes a space: punctuation
   (the dot of `вул.`, commas, quotes « » " „ “ ”, hyphens and dashes, brackets), symbols,
   control characters. `/` stays because `12/1` is a house number.
9. Runs of whitespace become one space; leading and trailing spaces go.

So the result holds only lower-case letters, digits, `/` and single spaces. In particular it
never contains the LIKE wildcards `%` and `_` or a backslash: a folded query can go into
`LIKE '%' || :key || '%'` without escaping.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'’‘ʼʹ`´′"
_STRESS = "\u0301\u0300"
_LOOKALIKE_LETTERS = "ABCEHIKMOPTXaceiopxyïÏ"
_LOOKALIKES = str.maketrans(_LOOKALIKE_LETTERS, "АВСЕНІКМОРТХасеіорхуїЇ")
# Regular expressions rather than str.translate: translate looks every character up in a
# dict, several times slower on Cyrillic text.
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
_ANY_LOOKALIKE = re.compile(f"[{_LOOKALIKE_LETTERS}]")
# A run of letters (apostrophes and stress marks inside words belong to the word).
_WORD = re.compile(rf"[^\W\d_]+(?:['{_STRESS}]+[^\W\d_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_DROPPED = re.compile(f"['{_STRESS}]")
_NOT_KEY = re.compile(r"[^\w/]+")  # and "_", replaced before


def fold(text: str) -> str:
    """The search key of `text` (see the module docstring for exactly what it does)."""
    # Before NFKC: it would turn № into "No" and ´ into a space and a combining accent.
    text = _APOSTROPHE.sub("'", text.replace("№", " "))
    text = unicodedata.normalize("NFKC", text)
    if _ANY_LOOKALIKE.search(text):
        text = _WORD.sub(_cyrillic_lookalikes, text)
    text = unicodedata.normalize("NFC", text.casefold()).replace("ґ", "г").replace("ё", "е")
    return _NOT_KEY.sub(" ", _DROPPED.sub("", text).replace("_", " ")).strip()


def _cyrillic_lookalikes(word: re.Match[str]) -> str:
    text = word.group()
    after_digit = word.start() > 0 and word.string[word.start() - 1].isdigit()
    if after_digit or _CYRILLIC.search(text):
        return text.translate(_LOOKALIKES)
    return text


def fold_digits(text: str) -> str:
    """Only the digits of `text`: the key phone numbers are searched by."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
