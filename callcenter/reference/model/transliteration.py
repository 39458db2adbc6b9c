"""Ukrainian -> Latin by the national standard (Cabinet of Ministers resolution No. 55, 2010).

The table of the resolution, including its rules that є, ї, й, ю, я are written `ye`, `yi`,
`y`, `yu`, `ya` at the start of a word and `ie`, `i`, `i`, `iu`, `ia` elsewhere, that `зг` is
`zgh`, and that the soft sign and the apostrophe are not transliterated. Characters outside the
Ukrainian alphabet pass through unchanged.
"""

from __future__ import annotations

import re

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "",
}
_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")


def transliterate(text: str) -> str:
    """`Січових Стрільців` -> `Sichovykh Striltsiv`, `Євгена` -> `Yevhena`, `Згурського` ->
    `Zghurskoho`."""
    return _WORD.sub(lambda match: _word(match.group()), text)


def _word(word: str) -> str:
    out: list[str] = []
    lower = word.lower()
    for index, (char, low) in enumerate(zip(word, lower, strict=True)):
        latin = _latin(lower, index, low)
        out.append(latin.capitalize() if char != low and latin else latin)
    return "".join(out)


def _latin(lower: str, index: int, low: str) -> str:
    if index == 0 and low in _INITIAL:
        return _INITIAL[low]
    if low == "г" and index > 0 and lower[index - 1] == "з":
        return "gh"
    return _LETTERS.get(low, low)
