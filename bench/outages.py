"""The address check: `python3 bench/outages.py [--outages 10000] [--streets 500]
[--queries 2000]`.

"Is this house affected now, or soon?" as the screen pop and the operator's form ask it.
Builds `--streets` streets (bench/reference.py's list) and `--outages` outages not over
(mostly active, some starting within the day or later), each on one to three streets with a
house range, a single house or the whole street, then times the same random addresses
(typed text: `вул. <street>, <house>`, a tenth by a former name) three ways in this process:

- (a) baseline: a naive scan of every outage, its house specs parsed at query time
  (`find_by_scan`, the tests' oracle), given the street key and house already parsed;
- (b) `OutageIndex.find`: outages by street key, house specs parsed once, same input;
- (c) the whole check as the pop asks it: the typed address parsed against the street list
  (`address_of`), then (b).

Prints mean / p50 / p99 / max in milliseconds, the speed-up of (b) against (a) measured in
the same run, PASS/FAIL for the target (p99 of (c) under 5 ms), and whether (a) and (b) gave
the same answer to every query. Exits 0 whatever the figures (a report), 1 if they disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reference import street_list  # noqa: E402 - after the path set-up
from callcenter.outages.model.places import (  # noqa: E402
    Hit,
    OutageIndex,
    address_of,
    find_by_scan,
)
from callcenter.outages.model.records import Kind, Outage, Place, Status, Utility  # noqa: E402
from callcenter.reference.model.addresses import House  # noqa: E402
from callcenter.reference.model.street_search import StreetIndex  # noqa: E402
from callcenter.reference.model.streets import Street  # noqa: E402

TARGET_MS = 5.0
T = TypeVar("T")
Pair = tuple[str, "House | None"]
SOON = 24 * 3600.0
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
SPECS = ["1-15 непарні", "2-40 парні", "1-99", "12А", "5-9, 30", "", "100-140 even", "7"]


def outages(count: int, streets: list[Street], pick: random.Random) -> list[Outage]:
    made = []
    for number in range(count):
        places = tuple(Place(s.key, s.short, pick.choice(SPECS))
                       for s in pick.sample(streets, pick.randint(1, 3)))
        start = NOW + dt.timedelta(hours=pick.choice([-30, -5, -1, 2, 20, 40]))
        status = Status.PLANNED if start > NOW else Status.ACTIVE
        made.append(Outage(number + 1, pick.choice(list(Utility)), pick.choice(list(Kind)),
                           status, places, start, start + dt.timedelta(hours=8), None, "", "",
                           None, NOW, NOW))
    return made


def timed(queries: Sequence[T], check: Callable[[T], list[Hit]]
          ) -> tuple[list[float], list[list[Hit]]]:
    times, answers = [], []
    for query in queries:
        began = time.perf_counter()
        answers.append(check(query))
        times.append((time.perf_counter() - began) * 1000)
    return times, answers


def line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{name:<34} mean {statistics.mean(times):8.3f}  p50 {statistics.median(times):8.3f}"
            f"  p99 {p99:8.3f}  max {ordered[-1]:8.3f} ms")


def p99(times: list[float]) -> float:
    return sorted(times)[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outages", type=int, default=10_000)
    parser.add_argument("--streets", type=int, default=500)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    pick = random.Random(17)
    streets = street_list(args.streets)
    street_index = StreetIndex(streets)
    registered = outages(args.outages, streets, pick)
    built = time.perf_counter()
    index = OutageIndex(registered)
    build_ms = (time.perf_counter() - built) * 1000
    typed = []
    for _ in range(args.queries):
        street = pick.choice(streets)
        name = street.former[0] if street.former and pick.random() < 0.5 else street.short
        typed.append(f"{name}, {pick.randint(1, 150)}{pick.choice(['', '', '', 'А'])}")
    parsed = [address_of(text, street_index) for text in typed]
    pairs: list[tuple[str, House | None]] = [(a.street_key, a.house) for a in parsed if a]
    for text in typed[:50]:  # untimed: warm the street search's per-length caches
        address_of(text, street_index)

    def scan(query: Pair) -> list[Hit]:
        return find_by_scan(registered, query[0], query[1], NOW, SOON)

    def indexed(query: Pair) -> list[Hit]:
        return index.find(query[0], query[1], NOW, SOON)

    def whole(query: str) -> list[Hit]:
        found = address_of(query, street_index)
        return index.find(found.street_key, found.house, NOW, SOON) if found else []

    scan_times, scan_answers = timed(pairs, scan)
    index_times, index_answers = timed(pairs, indexed)
    whole_times, _ = timed(typed, whole)
    agree = scan_answers == index_answers
    hits = sum(1 for a in index_answers if a)
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}; {args.outages} outages not over on {args.streets} "
          f"streets, {len(pairs)} addresses ({hits} affected now or soon); index built in "
          f"{build_ms:.0f} ms ({len(index)} places)")
    print(line("(a) naive scan", scan_times))
    print(line("(b) OutageIndex.find", index_times))
    print(line("(c) typed address parsed + (b)", whole_times))
    speed = statistics.mean(scan_times) / max(statistics.mean(index_times), 1e-9)
    verdict = "PASS" if p99(whole_times) < TARGET_MS else "FAIL"
    print(f"speed-up (b) vs (a): {speed:.0f}x; target p99 of (c) < {TARGET_MS} ms: {verdict}; "
          f"(a) and (b) agree on every query: {agree}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
