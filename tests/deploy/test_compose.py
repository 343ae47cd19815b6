"""The compose files would be accepted by a Compose engine and name only things that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "deploy" / "schema" / "compose-spec.json"
COMPOSE_FILES = [ROOT / "compose.yaml", ROOT / "deploy" / "compose.fire.yaml",
                 ROOT / "deploy" / "compose.environment.yaml"]
GRIDGOV_PROCESSES = {"registry", "cases", "fire", "inspection", "gateway", "migrate"}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_valid_against_the_compose_specification(path: Path) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} is absent: cannot validate against the Compose Specification")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(load(path))


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_everything_named_exists(path: Path) -> None:
    compose = load(path)
    services = compose["services"]
    for name, service in services.items():
        build = service.get("build")
        if build is not None:
            context = (path.parent / (build if isinstance(build, str) else build["context"])).resolve()
            assert (context / "Dockerfile").exists(), f"{name}: no Dockerfile in {context}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (path.parent / source).exists(), f"{name}: mounts missing {source}"
        command = service.get("command", [])
        if "-m" in command:
            module = command[command.index("-m") + 1]
            assert (ROOT / module.replace(".", "/") / "__main__.py").exists(), f"{name}: no module {module}"
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on undefined {dependency}"
    assert GRIDGOV_PROCESSES - {"cases", "fire", "inspection"} <= set(services)


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_each_enabled_service_has_an_address_a_database_and_a_container(path: Path) -> None:
    compose = load(path)
    environment = compose["x-service"]["environment"]
    enabled = environment["GRIDGOV_SERVICES"].split(",")
    assert set(enabled) <= set(compose["services"])
    for name in enabled:
        host, port = environment[f"GRIDGOV_{name.upper()}_ADDRESS"].split(":")
        assert host == name
        listen = compose["services"][name]["environment"][f"GRIDGOV_{name.upper()}_LISTEN"]
        assert listen.endswith(f":{port}")
        assert environment[f"GRIDGOV_{name.upper()}_DATABASE_URL"].endswith(f"/{name}")
    init = (ROOT / "deploy" / "postgres-init.sql").read_text()
    for name in [*enabled, "gateway"]:
        assert re.search(rf"CREATE DATABASE {name}\b", init), f"no database for {name}"
