"""dialplans/ read as Asterisk reads it (sections, templates, #include, comments): no endpoint
that can dial out through a trunk is reachable without a password or an IP identify, in the
shipped operators' variant and in the lab one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DIALPLANS = Path(__file__).resolve().parents[2] / "dialplans"
LAB_SWITCH = ("#include pjsip_operators.conf", ";#include pjsip_operators_lab.conf")


@dataclass
class Section:
    name: str
    template: bool
    options: list[tuple[str, str]] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        found = [v for k, v in self.options if k == key]
        return found[-1] if found else None


def uncomment(line: str) -> str:
    return re.split(r"(?<!\\);", line, maxsplit=1)[0].strip()


def read_config(path: Path, text: str | None = None) -> list[Section]:
    """Sections in file order, templates applied (their options first), #include followed."""
    sections: list[Section] = []
    for raw in (path.read_text() if text is None else text).splitlines():
        line = uncomment(raw)
        if line.startswith("#include"):
            sections += read_config(path.parent / line.split(None, 1)[1].strip('"<>'))
        elif header := re.fullmatch(r"\[([^\]]+)\](?:\(([^)]*)\))?", line):
            sections.append(new_section(header.group(1), header.group(2) or "", sections))
        elif line and sections:
            key, _, value = line.partition("=")
            sections[-1].options.append((key.strip(), value.lstrip(">").strip()))
    return sections


def new_section(name: str, parents: str, before: list[Section]) -> Section:
    flags = [p.strip() for p in parents.split(",") if p.strip()]
    section = Section(name, "!" in flags)
    for parent in (f for f in flags if f != "!"):
        [template] = [s for s in before if s.name == parent and s.template]
        section.options += template.options
    return section


def dialing_out_contexts(trunks: set[str]) -> set[str]:
    """Contexts whose dialplan dials through a trunk endpoint (PJSIP/...@trunk)."""
    found, context = set(), ""
    for raw in (DIALPLANS / "extensions.conf").read_text().splitlines():
        line = uncomment(raw)
        if header := re.fullmatch(r"\[([^\]]+)\](?:\(.*\))?", line):
            context = header.group(1)
        elif any(re.search(rf"Dial\(PJSIP/[^)]*@{t}\b", line) for t in trunks):
            found.add(context)
    return found


def pjsip(lab: bool) -> list[Section]:
    path = DIALPLANS / "pjsip.conf"
    text = path.read_text()
    assert all(switch in text for switch in LAB_SWITCH), "pjsip.conf lost its operators' switch"
    if lab:
        text = text.replace(LAB_SWITCH[0], ";" + LAB_SWITCH[0]).replace(
            LAB_SWITCH[1], LAB_SWITCH[1][1:])
    return [s for s in read_config(path, text) if not s.template]


def unprotected(sections: list[Section]) -> list[str]:
    endpoints = [s for s in sections if s.get("type") == "endpoint"]
    trunks = {s.name for s in endpoints if s.get("context") == "from-trunk"}
    risky = dialing_out_contexts(trunks)
    passwords = {s.name for s in sections if s.get("type") == "auth" and s.get("password")}
    matched = {s.get("endpoint") for s in sections
               if s.get("type") == "identify" and s.get("match")}
    bad = []
    for endpoint in (e for e in endpoints if e.get("context") in risky):
        by_ip_only = (endpoint.get("identify_by") or "username,ip") == "ip"
        if not (endpoint.get("auth") in passwords or (by_ip_only and endpoint.name in matched)):
            bad.append(endpoint.name)
    return bad


@pytest.mark.parametrize("lab", [False, True], ids=["registering phones", "lab operators"])
def test_no_endpoint_that_dials_out_is_open(lab: bool) -> None:
    sections = pjsip(lab)
    endpoints = {s.name for s in sections if s.get("type") == "endpoint"}
    assert {"landline", "kyivstar", "vodafone", "op1001", "op1002"} <= endpoints
    names = [(s.name, s.get("type")) for s in sections]
    assert len(names) == len(set(names)), "a section is defined twice"
    assert unprotected(sections) == []


def test_the_check_would_catch_the_old_lab_variant() -> None:
    """The lab operator as it shipped before: no auth, the default identify_by."""
    old = Section("op1001", False, [("type", "endpoint"), ("context", "from-operator")])
    sections = [*pjsip(lab=False), old]
    assert "op1001" in unprotected(sections)


def test_the_shipped_transport_listens_on_loopback_only() -> None:
    [transport] = [s for s in pjsip(lab=True) if s.get("type") == "transport"]
    assert (transport.get("bind") or "").startswith("127.0.0.1:")
