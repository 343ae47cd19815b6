"""gateway/schema.graphql is the SDL the gateway serves with every plugin: clients type their operations from it
(and a change to the API shows in review), so it must not go stale."""

from __future__ import annotations

from pathlib import Path

from gateway.schema import compose
from launcher.cli import main
from services.kit.plugin import load_plugins

SCHEMA_FILE = Path(__file__).parents[2] / "gateway" / "schema.graphql"


def test_the_checked_in_schema_is_the_composed_schema() -> None:
    printed = compose(load_plugins()).as_str() + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed, (
        "gateway/schema.graphql is stale: run `.venv/bin/gridgov schema -o gateway/schema.graphql`")


def test_the_command_prints_a_subset_of_plugins(tmp_path: Path) -> None:
    output = tmp_path / "fire.graphql"
    assert main(["schema", "--services", "fire", "-o", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert "type FireHazard" in text and "type Case " not in text and "viewerActions" in text
    assert main(["schema", "--services", "no_such_service", "-o", str(output)]) == 2
