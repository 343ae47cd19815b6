"""The Rego bundle: the gateway's own files plus each enabled plugin's, and its revision hash."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

GATEWAY_POLICY_DIR = Path(__file__).parent
DECISION_PATH = "gridgov/authz/decision"
DECISION_RULE = "data." + DECISION_PATH.replace("/", ".")
# The module naming every enabled service package; generated, never written by hand.
ENABLED_MODULE = "enabled.rego"
# What a service package may contribute (see authz.rego).
CONTRIBUTIONS = ("grant", "deny", "explain", "scopes", "mask", "unmask")
# lib.personal_fields, for Python code that must know them without asking the policy (the locator's
# mask, the decision log's masking); a test keeps the two equal.
PERSONAL_FIELDS = frozenset({"id_number", "phone", "contact_phone", "owner_phone", "reporter_phone"})
_SERVICE_PACKAGE = re.compile(r"^package\s+gridgov\.services\.([A-Za-z_][A-Za-z0-9_]*)\s*$", re.MULTILINE)


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

    def write_to(self, directory: Path) -> list[Path]:
        """Writes every module (the generated one included) for an OPA server to load."""
        written = []
        for name, text in self.modules:
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        return written


def service_packages(modules: Iterable[tuple[str, str]]) -> list[str]:
    """Names of the gridgov.services.<name> packages the modules declare, sorted."""
    return sorted({match for _, text in modules for match in _SERVICE_PACKAGE.findall(text)})


def enabled_module(packages: Iterable[str]) -> str:
    """Rego gathering each service package's contributions under gridgov.enabled.

    Naming every package explicitly (rather than iterating data.gridgov.services[name]) lets
    regorus compile the bundle to its VM, which does not support dynamic package iteration.
    """
    lines = [
        "# Generated at bundle load from the enabled services' packages; do not edit.",
        "package gridgov.enabled",
        "",
        "import rego.v1",
    ]
    for kind in CONTRIBUTIONS:
        for package in packages:
            lines += ["", f"{kind} contains item if {{", f"\tsome item in data.gridgov.services.{package}.{kind}", "}"]
    return "\n".join(lines) + "\n"


def load_bundle(plugin_policies: Iterable[Path] = ()) -> Bundle:
    """The gateway's Rego files and the given plugin files, in a stable order, plus gridgov.enabled."""
    own = [path for path in GATEWAY_POLICY_DIR.glob("*.rego") if path.name != ENABLED_MODULE]
    files = sorted(own) + sorted(plugin_policies)
    modules = []
    for path in files:
        # Name each module by its service folder, so two plugins' policy.rego never collide.
        name = path.name if path.parent == GATEWAY_POLICY_DIR else f"{path.parent.name}/{path.name}"
        modules.append((name, path.read_text(encoding="utf-8")))
    modules.append((ENABLED_MODULE, enabled_module(service_packages(modules))))
    return Bundle(tuple(modules))
