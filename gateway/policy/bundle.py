"""The Rego bundle: the gateway's own files plus each enabled plugin's, and its revision hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

GATEWAY_POLICY_DIR = Path(__file__).parent
DECISION_PATH = "gridgov/authz/decision"


@dataclass(frozen=True)
class Bundle:
    """Rego modules by file name, and the revision: a hash over names and contents."""

    modules: tuple[tuple[str, str], ...]

    @property
    def revision(self) -> str:
        digest = hashlib.sha256()
        for name, text in self.modules:
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        return digest.hexdigest()[:16]


def load_bundle(plugin_policies: Iterable[Path] = ()) -> Bundle:
    """The gateway's Rego files and the given plugin files, in a stable order."""
    files = sorted(GATEWAY_POLICY_DIR.glob("*.rego")) + sorted(plugin_policies)
    modules = []
    for path in files:
        # Name each module by its service folder, so two plugins' policy.rego never collide.
        name = path.name if path.parent == GATEWAY_POLICY_DIR else f"{path.parent.name}/{path.name}"
        modules.append((name, path.read_text(encoding="utf-8")))
    return Bundle(tuple(modules))
