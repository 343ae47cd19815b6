"""The district's ranking of streets or handling units as a file (XLSX or CSV) under the headers centres use."""

from __future__ import annotations

from collections.abc import Sequence

from gridgov.cases.v1 import cases_pb2 as pb
from services.kit.tabular import Column, FileFormat, write_table

COLUMNS = (
    Column("rank", "排名"), Column("key", "街道/单位"), Column("score", "综合得分"),
    Column("reported", "上报数"), Column("dispatched", "派遣数"), Column("closed", "结案数"),
    Column("closure_rate", "结案率"), Column("on_time_closure_rate", "按期结案率"),
    Column("on_time_handling_rate", "按期处置率"), Column("rework_rate", "返工率"),
    Column("satisfaction_rate", "满意率"), Column("mean_handling_hours", "平均处置时长（小时）"),
    Column("overdue", "超期数"), Column("extensions", "延期数"),
)
RATES = ("closure_rate", "on_time_closure_rate", "on_time_handling_rate", "rework_rate", "satisfaction_rate")


def ranking_file(entries: Sequence[pb.RankingEntry], file_format: FileFormat) -> bytes:
    """Every row of the ranking, best first; rates as percentages with one decimal, as the screens show them."""
    rows = []
    for entry in entries:
        e = entry.evaluation
        row: dict[str, object] = {"rank": entry.rank, "key": e.key, "score": f"{entry.score:.1f}",
                                  "reported": e.reported, "dispatched": e.dispatched, "closed": e.closed,
                                  "mean_handling_hours": f"{e.mean_handling_hours:.1f}", "overdue": e.overdue,
                                  "extensions": e.extensions}
        row.update({name: f"{getattr(e, name) * 100:.1f}%" for name in RATES})
        rows.append(row)
    return write_table(rows, file_format, COLUMNS)
