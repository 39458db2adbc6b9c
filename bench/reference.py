"""Street suggestions: `python3 bench/reference.py [--streets 500] [--rounds 20]`.

Builds a street list of the requested size (the shipped config/streets.toml, topped up with
generated "First-name Surname" streets, every tenth with a former name), then times the same
queries (prefixes, typos, Russian spellings, old names, kind words, nonsense) two ways in this
process:

- (a) baseline: a naive loop that folds every name, alias and former name at query time and
  scores each one with `name_score` (the definition of the scores), one Python call per name;
- (b) `StreetIndex.suggest`: names folded once, prefixes by bisection, one rapidfuzz
  `process.extract` call over all names.

After one untimed pass (the index builds, once per query length, the list of name beginnings
it compares typos with), prints per-suggestion mean / p50 / p95 / max in milliseconds, the
speed-up against the baseline, PASS/FAIL for the target (p95 under 5 ms at 500 streets), and
whether both agree on the top street for every query. Exits 0 whatever the figures (a
report), 1 if they disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcenter.core.folding import fold  # noqa: E402 - after the path set-up
from callcenter.reference.model.street_search import StreetIndex, name_score, street_query  # noqa: E402
from callcenter.reference.model.streets import Street, parse_streets  # noqa: E402
from callcenter.reference.model.transliteration import transliterate  # noqa: E402

TARGET_MS = 5.0
QUERIES = [
    "неза", "Незалежності", "незалежносты", "вул. Незалежності", "галицкая", "гал", "шевченко",
    "в", "ва", "бандер", "С. Бандери", "пр-т Бандери", "лермонтова", "гаркуші", "гагаріна",
    "вул. Чорновола", "В'ячеслава", "січових стрелців", "24 серпня", "пл. Ринок", "стометрівка",
    "хоткевіча", "героїв", "Південний б-р", "м. Івано-Франківськ, вул. Галицька",
    "абракадабра", "коновальця", "Nezalezhnosti", "мазепы", "набережна",
]
FIRST = ["Івана", "Петра", "Михайла", "Ольги", "Марії", "Степана", "Юрія", "Андрія", "Олени",
         "Василя", "Тараса", "Ірини", "Богдана", "Романа", "Оксани", "Дмитра", "Лесі", "Ярослава"]
LAST = ["Коваля", "Мельника", "Бойка", "Ткачука", "Кравця", "Шевчука", "Поліщука", "Бондаря",
        "Гнатюка", "Левицького", "Савчука", "Романюка", "Костюка", "Марчука", "Олійника",
        "Гуцала", "Дячука", "Пасічника", "Кушніра", "Лисака", "Гриціва", "Федорака", "Слободяна",
        "Чорнія", "Паньківа", "Стасюка", "Вінтоняка", "Грабовського", "Дутки", "Юзвяка"]


def street_list(size: int) -> list[Street]:
    with (ROOT / "config" / "streets.toml").open("rb") as handle:
        streets = list(parse_streets(tomllib.load(handle)))
    taken = {fold(s.name) for s in streets}
    for number, (first, last) in enumerate(product(FIRST, LAST)):
        if len(streets) >= size:
            break
        name = f"{first} {last}"
        if fold(name) not in taken:
            former = (f"Стара {number}",) if number % 10 == 0 else ()
            streets.append(Street(name, former=former))
    return streets[:size]


def naive_suggest(streets: list[Street], text: str, limit: int = 10) -> list[Street]:
    """The baseline: fold and score every name at query time, one call per name."""
    query = street_query(text)
    best: dict[int, tuple[float, int]] = {}  # street -> (-score, 0 name / 1 alias / 2 former)
    for position, street in enumerate(streets):
        names = [(street.name, 0), (transliterate(street.name), 0),
                 *((a, 1) for a in street.aliases), *((f, 2) for f in street.former)]
        for name, via in names:
            score = name_score(query, fold(name))
            if score and (position not in best or (-score, via) < best[position]):
                best[position] = (-score, via)
    ranked = sorted(best, key=lambda p: (*best[p], len(streets[p].name), streets[p].name))
    return [streets[p] for p in ranked[:limit]]


def timings(suggest: Callable[[str], object], rounds: int) -> list[float]:
    times: list[float] = []
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            suggest(query)
            times.append((time.perf_counter() - start) * 1000)
    return times


def line(label: str, times: list[float], baseline: float | None) -> str:
    mean = statistics.fmean(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    ratio = f"{baseline / mean:6.1f}x" if baseline else "  1.0x"
    return (f"{label:<34} {mean:8.3f} {statistics.median(times):8.3f} {p95:8.3f} "
            f"{max(times):8.3f} {ratio}")


def disagreements(index: StreetIndex, streets: list[Street]) -> list[str]:
    out = []
    for query in QUERIES:
        fast = [m.street for m in index.suggest(query)][:1]
        slow = naive_suggest(streets, query)[:1]
        if fast != slow:
            out.append(f"{query!r}: index {fast} vs baseline {slow}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streets", type=int, default=500,
                        help="streets in the list (at most 690: shipped + generated)")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the queries")
    args = parser.parse_args(argv)
    streets = street_list(args.streets)
    start = time.perf_counter()
    index = StreetIndex(streets)
    build_ms = (time.perf_counter() - start) * 1000
    for query in QUERIES:  # warm-up: the index keeps each query length's list of beginnings
        index.suggest(query)
    naive = timings(lambda q: naive_suggest(streets, q), args.rounds)
    fast = timings(index.suggest, args.rounds)
    names = sum(1 + len(s.aliases) + len(s.former) for s in streets)
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    print(f"street suggestions, {when}, {os.cpu_count()} CPUs: {len(streets)} streets "
          f"({names} names), {len(QUERIES)} queries x {args.rounds} rounds; "
          f"index built in {build_ms:.1f} ms")
    print(f"{'ms per suggestion':<34} {'mean':>8} {'p50':>8} {'p95':>8} {'max':>8} {'speed-up':>7}")
    print(line("(a) naive loop, fold at query time", naive, None))
    print(line("(b) StreetIndex.suggest", fast, statistics.fmean(naive)))
    p95 = statistics.quantiles(fast, n=20)[-1]
    verdict = "PASS" if p95 < TARGET_MS else "FAIL"
    print(f"target: (b) p95 < {TARGET_MS:.0f} ms at {len(streets)} streets: {verdict}")
    wrong = disagreements(index, streets)
    print("top street: (a) and (b) agree on every query" if not wrong else "\n".join(wrong))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
