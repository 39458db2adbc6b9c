"""The contractors import file: the sample is valid, bad entries are refused with their place."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from callcenter.contractors.model.contractors import ContractorsError, parse_contractors
from callcenter.contractors.service.imports import read_contractors

ROOT = Path(__file__).resolve().parents[3]
GOOD = {"code": "vodokanal", "name": "Водоканал", "kind": "utility",
        "email": "d@vodokanal.example.org", "channels": ["email"]}


def test_the_sample_covers_a_city() -> None:
    contractors = read_contractors(ROOT / "config" / "contractors.toml")
    codes = {c.code for c in contractors}
    assert {"hotline-coordinator", "vodokanal", "teplo", "oblenergo", "gas", "misksvitlo",
            "dreu", "ekoservis", "lift", "uk-tsentr", "uk-pasichna", "uk-kaskad",
            "dep-zhkp"} <= codes
    assert sum(c.kind == "housing" for c in contractors) >= 4
    addresses = [a for c in contractors for a in (c.email, c.manager_email) if a]
    assert all(_reserved(a.rpartition("@")[2]) for a in addresses)  # fictional, RFC 2606
    webhooks = [c for c in contractors if "webhook" in c.channels]
    assert webhooks and all(c.webhook_secret_ref for c in webhooks)


def _reserved(domain: str) -> bool:
    return domain in {"example.org", "example.com"} or domain.endswith((".example.org",
                                                                         ".example.com"))


def test_every_rule_names_a_sample_contractor() -> None:
    from callcenter.routing.service.rules import read_rules

    rules = read_rules(ROOT / "config" / "routing.toml", timezone="Europe/Kyiv")
    codes = {c.code for c in read_contractors(ROOT / "config" / "contractors.toml")}
    assert rules.contractors() <= codes


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"code": "Водоканал"}, "code: expected"),
        ({"name": " "}, "name: expected a non-empty string"),
        ({"kind": "shop"}, "kind: expected one of"),
        ({"channels": ["pigeon"]}, "channels: expected some of"),
        ({"channels": []}, "channels: expected some of"),
        ({"email": None, "channels": ["email"]}, "e-mail delivery needs `email`"),
        ({"email": "not-an-address"}, "email: not an e-mail address"),
        ({"manager_email": "boss@"}, "manager_email: not an e-mail address"),
        ({"channels": ["webhook"]}, "webhook delivery needs `webhook_url`"),
        ({"webhook_url": "ftp://x", "webhook_secret_ref": "env:X"}, "expected an http(s) URL"),
        ({"channels": ["webhook"], "webhook_url": "https://x.example.org/h",
          "webhook_secret_ref": "s3cr3t"}, "never the secret itself"),
        ({"active": "yes"}, "active: expected true or false"),
        ({"phone": 380342000000}, "phone: expected a string"),
        ({"password": "x"}, "password: unknown key"),
    ],
)
def test_bad_contractors_are_refused(change: dict, problem: str) -> None:
    entry = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(ContractorsError) as caught:
        parse_contractors({"contractors": [entry]})
    assert any(problem in p and "contractors[0]" in p for p in caught.value.problems), \
        caught.value.problems


def test_duplicates_and_structure() -> None:
    with pytest.raises(ContractorsError, match="duplicate code"):
        parse_contractors({"contractors": [GOOD, GOOD]})
    with pytest.raises(ContractorsError, match="non-empty array"):
        parse_contractors({"contractors": []})
    with pytest.raises(ContractorsError, match="unknown top-level key"):
        parse_contractors({"contractors": [GOOD], "extra": 1})
    with pytest.raises(ContractorsError, match="expected a table"):
        parse_contractors({"contractors": ["vodokanal"]})


def test_a_broken_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contractors.toml"
    path.write_text('[[contractors]]\ncode = "x', encoding="utf-8")
    with pytest.raises(ContractorsError, match=r"contractors\.toml"):
        read_contractors(path)
    with pytest.raises(ContractorsError, match="no such file"):
        read_contractors(tmp_path / "absent.toml")


def test_webhook_contractor_is_valid_with_url_and_secret_ref() -> None:
    entry = {**GOOD, "channels": ["email", "webhook"], "webhook_url": "https://h.example.org/x",
             "webhook_secret_ref": "file:/etc/callcenter/secret"}
    [contractor] = parse_contractors(tomllib.loads(_toml(entry)))
    assert contractor.channels == ("email", "webhook")


def _toml(entry: dict) -> str:
    lines = ["[[contractors]]"]
    for key, value in entry.items():
        rendered = ("[" + ", ".join(f'"{v}"' for v in value) + "]" if isinstance(value, list)
                    else f'"{value}"')
        lines.append(f"{key} = {rendered}")
    return "\n".join(lines) + "\n"
