"""`gridgov boundaries import|export` against a real registry: reports, refusals, exit codes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from launcher.cli import main
from services.kit.database import Database
from tests.registry.conftest import STREET, build_tree
from tests.registry.test_boundaries import LAT, LON, D, collection, nested_tree, square, zipped_shapefile
from tests.support.services import running_service


async def test_import_then_export_through_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    async with running_service("registry", database) as registry:
        await build_tree(registry.stub)
        monkeypatch.setenv("GRIDGOV_REGISTRY_ADDRESS", registry.address)
        shapes = tmp_path / "grids.zip"
        shapes.write_bytes(zipped_shapefile(nested_tree()))
        dry = await asyncio.to_thread(main, ["boundaries", "import", str(shapes), "--crs", "cgcs2000",
                                             "--code-attribute", "CODE", "--dry-run"])
        assert (dry, capsys.readouterr().out) == (0, "would store 16 boundaries\n")
        bad = tmp_path / "bad.geojson"
        bad.write_bytes(collection({f"{STREET}001001": square(LON, LAT, D), "110108001009001": square(LON, LAT, D)}))
        refused = await asyncio.to_thread(main, ["boundaries", "import", str(bad), "--crs", "wgs84"])
        out = capsys.readouterr().out
        assert refused == 1
        assert "feature 2 (110108001009001): no jurisdiction 110108001009001 in the registry's tree" in out
        assert out.endswith("1 problem(s); nothing stored\n")
        stored = await asyncio.to_thread(main, ["boundaries", "import", str(shapes), "--crs", "cgcs2000",
                                                "--code-attribute", "CODE"])
        assert (stored, capsys.readouterr().out) == (0, "stored 16 boundaries\n")
        target = tmp_path / "out.geojson"
        exported = await asyncio.to_thread(main, ["boundaries", "export", "--prefix", f"{STREET}001", "-o",
                                                  str(target)])
        assert exported == 0 and "wrote 5 feature(s)" in capsys.readouterr().out
        assert len(json.loads(target.read_text())["features"]) == 5
        unknown = await asyncio.to_thread(main, ["boundaries", "import", str(tmp_path / "x.kml"), "--crs", "wgs84"])
        assert unknown == 2 and "zipped Shapefile" in capsys.readouterr().err
    await database.dispose()
