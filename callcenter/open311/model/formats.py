"""The two formats of the specification: XML (mandatory) and JSON, for lists of records,
single records and errors (a list of `code` + `description`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

from callcenter.open311.model.spec import Format

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def media_type(fmt: Format) -> str:
    return XML_TYPE if fmt == "xml" else JSON_TYPE


def render_list(fmt: Format, root: str, item: str,
                rows: Sequence[Mapping[str, Any]]) -> bytes:
    """`<root><item>...</item>...</root>` or a JSON array of objects."""
    if fmt == "json":
        return _json(list(rows))
    element = ElementTree.Element(root)
    for row in rows:
        _fill(ElementTree.SubElement(element, item), row)
    return _xml(element)


def render_definition(fmt: Format, definition: Mapping[str, Any]) -> bytes:
    """A service definition: `service_code` and its `attributes` (each with `values`)."""
    if fmt == "json":
        return _json(dict(definition))
    element = ElementTree.Element("service_definition")
    ElementTree.SubElement(element, "service_code").text = str(definition["service_code"])
    listed = ElementTree.SubElement(element, "attributes")
    for attribute in definition["attributes"]:
        _fill(ElementTree.SubElement(listed, "attribute"), attribute)
    return _xml(element)


def render_errors(fmt: Format, errors: Sequence[tuple[int, str]]) -> bytes:
    rows = [{"code": code, "description": text} for code, text in errors]
    return render_list(fmt, "errors", "error", rows)


def _fill(element: ElementTree.Element, row: Mapping[str, Any]) -> None:
    for name, value in row.items():
        child = ElementTree.SubElement(element, name)
        if isinstance(value, list):
            for entry in value:  # values of a list attribute
                _fill(ElementTree.SubElement(child, "value"), entry)
        else:
            child.text = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _xml(element: ElementTree.Element) -> bytes:
    return bytes(ElementTree.tostring(element, encoding="utf-8", xml_declaration=True))


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
