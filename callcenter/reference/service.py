"""Loading the reference data files `config.reference` names: categories, streets, directory.

Reads TOML and hands the dicts to the pure parsers in `domain/`. Any problem (a missing file,
bad TOML, a bad entry, a directory entry naming an unknown category) is one
`ReferenceDataError` whose message starts with the file's path. Call `load_reference` again to
reload after the files changed; nothing is cached here.

A relative path is taken from the working directory and, when nothing is there, from the
source tree callcenter runs from (as `alembic.ini` is), so `callcenter serve` started
elsewhere without a config file still finds the shipped `config/*.toml`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from callcenter.core.config import ReferenceConfig
from callcenter.core.errors import ReferenceDataError
from callcenter.reference.model.categories import CategoryBook, parse_categories
from callcenter.reference.model.directory import Directory, check_categories, parse_directory
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import parse_streets

T = TypeVar("T")
SOURCE_TREE = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Reference:
    categories: CategoryBook
    streets: StreetIndex
    directory: Directory


def load_reference(config: ReferenceConfig) -> Reference:
    categories = load_categories(config.categories)
    directory = load_directory(config.directory)
    _in_file(config.directory, lambda: check_categories(directory, categories))
    return Reference(categories, load_streets(config.streets), directory)


def load_categories(path: str | Path) -> CategoryBook:
    return _load(path, parse_categories)


def load_streets(path: str | Path) -> StreetIndex:
    return StreetIndex(_load(path, parse_streets))


def load_directory(path: str | Path) -> Directory:
    return _load(path, parse_directory)


def _load(path: str | Path, parse: Callable[[Mapping[str, Any]], T]) -> T:
    data = _read(Path(path))
    return _in_file(path, lambda: parse(data))


def located(path: str | Path) -> Path:
    given = Path(path)
    if given.is_absolute() or given.exists():
        return given
    shipped = SOURCE_TREE / given
    return shipped if shipped.exists() else given


def _read(path: Path) -> dict[str, Any]:
    path = located(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ReferenceDataError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{path}: not valid TOML: {exc}") from exc


def _in_file(path: str | Path, action: Callable[[], T]) -> T:
    try:
        return action()
    except ReferenceDataError as exc:
        raise ReferenceDataError(f"{path}: {exc}") from exc
