"""`ChanVariable:` headers, as Asterisk adds them with manager.conf `channelvars = A,B`."""

from __future__ import annotations

from collections.abc import Mapping

from callcenter.simulator.frames import Frame, header

Tracked = dict[str, dict[str, str]]  # Uniqueid -> variable name -> value


def add_chanvars(frames: list[Frame], chanvars: Mapping[str, str | None]) -> list[Frame]:
    """Add `ChanVariable: NAME=value` after each `Linkedid` (and `DestChanVariable:` after
    each `DestLinkedid`).  A fixed value is used as given; None follows the channel's own
    VarSet events (`__TRUNK` sets `TRUNK`), empty until the dialplan sets it."""
    tracked: Tracked = {}
    out: list[Frame] = []
    for frame in frames:
        _track(frame, tracked)
        out.append(_with_vars(frame, chanvars, tracked))
    return out


def _track(frame: Frame, tracked: Tracked) -> None:
    if header(frame, "Event") != "VarSet":
        return
    name = header(frame, "Variable").lstrip("_")
    tracked.setdefault(header(frame, "Uniqueid"), {})[name] = header(frame, "Value")


def _with_vars(frame: Frame, chanvars: Mapping[str, str | None], tracked: Tracked) -> Frame:
    out: Frame = []
    for key, value in frame:
        out.append((key, value))
        if key not in ("Linkedid", "DestLinkedid"):
            continue
        prefix = key.removesuffix("Linkedid")
        known = tracked.get(header(frame, f"{prefix}Uniqueid"), {})
        for name, fixed in chanvars.items():
            shown = fixed if fixed is not None else known.get(name, "")
            out.append((f"{prefix}ChanVariable", f"{name}={shown}"))
    return out
