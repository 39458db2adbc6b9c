"""The house by feature (DESIGN-NOTES.md, "The house"): every feature's code is found by its
name, no folder grows into a layer dump, and the documents cite only paths that exist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "callcenter"
FEATURES = {"calls", "callbacks", "appeals", "pops", "recordings", "routing", "delivery",
            "contractors", "users", "reference", "residents", "portal", "open311", "mail",
            "outages", "duty"}
ROLES = {"model", "service", "store", "tables", "rows", "api", "pages", "schemas", "access",
         "cli", "wiring", "ami", "audio", "senders"}
MAX_MODULES = 15  # "about fifteen" per folder (issue 10)
CITED = re.compile(r"callcenter/[\w/]+(?:\.py|\.html|\.js|\.css|/)")


def folders() -> list[Path]:
    return [p for p in PACKAGE.rglob("*") if p.is_dir() and (p / "__init__.py").exists()]


def test_no_folder_holds_more_than_about_fifteen_modules() -> None:
    crowded = {str(f.relative_to(ROOT)): n for f in folders()
               if (n := len([m for m in f.glob("*.py") if m.name != "__init__.py"])) > MAX_MODULES}
    assert crowded == {}


def test_every_feature_module_has_a_fixed_role() -> None:
    """Inside a feature the file (or subpackage) names are the roles, the same everywhere."""
    strays = [str(p.relative_to(ROOT)) for feature in FEATURES
              for p in (PACKAGE / feature).iterdir()
              if p.name not in ("__init__.py", "__pycache__") and p.stem not in ROLES]
    assert strays == []


def test_every_callcenter_path_the_documents_cite_exists() -> None:
    documents = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.split()
    missing = sorted({f"{doc}: {path}" for doc in documents
                      for path in CITED.findall((ROOT / doc).read_text(encoding="utf-8"))
                      if not (ROOT / path).exists()})
    assert missing == []
