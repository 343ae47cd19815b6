"""Where a located record lands, by the rule the gateway applies to a create (gateway/landing.py) and a service to
each row of an import: no grid takes the one the location falls in; a grid that disagrees with the location is
kept, with the located one beside it for the centre to look at."""

from __future__ import annotations

from collections.abc import Callable

# The grid a (longitude, latitude) falls in, or None outside every grid.
Locate = Callable[[float, float], str | None]


def landing(code: str, longitude: float | None, latitude: float | None, locate: Locate) -> tuple[str, str]:
    """(the record's grid, the located grid when it disagrees, else "")."""
    code = code.strip()
    if longitude is None or latitude is None:
        return code, ""
    grid = locate(longitude, latitude)
    if not code:
        return grid or "", ""
    return code, grid if grid and grid != code else ""
