"""The versioned category catalogue and the dispatch table in the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from services.cases.catalogue import Category
from services.cases.deadlines import Limit
from services.cases.models import CategoryRow, DispatchRuleRow

CATEGORIES: Any = CategoryRow.__table__
RULES: Any = DispatchRuleRow.__table__
# Every report and dispatch reads these: built once.
_CURRENT = (select(CATEGORIES).where(CATEGORIES.c.code == bindparam("code"))
            .order_by(CATEGORIES.c.version.desc()).limit(1))
_ROUTES = select(RULES.c.jurisdiction_prefix, RULES.c.unit).where(
    RULES.c.category_code == bindparam("code"), RULES.c.jurisdiction_prefix.in_(bindparam("prefixes", expanding=True)))


def category_of(row: Any) -> Category:
    """The category of a catalogue row."""
    return Category(row.code, row.version, row.kind, row.major_class, row.name,
                    Limit(row.limit_value, row.limit_unit), row.closing_condition, row.default_unit,
                    row.lowest_tier, row.changed_by)


class CatalogueStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self, code: str) -> Category | None:
        """The newest version of category ``code``."""
        row = self.session.execute(_CURRENT, {"code": code}).first()
        return None if row is None else category_of(row)

    def version(self, code: str, version: int) -> Category | None:
        row = self.session.get(CategoryRow, (code, version))
        return None if row is None else category_of(row)

    def all_current(self) -> list[Category]:
        newest = (select(CategoryRow.code, func.max(CategoryRow.version).label("version"))
                  .group_by(CategoryRow.code).subquery())
        rows = self.session.scalars(
            select(CategoryRow).join(newest, (CategoryRow.code == newest.c.code)
                                     & (CategoryRow.version == newest.c.version)).order_by(CategoryRow.code))
        return [category_of(r) for r in rows]

    def add_version(self, category: Category, now: datetime) -> Category:
        """Stores ``category`` as the next version of its code (1 for a new code)."""
        current = self.current(category.code)
        version = (current.version if current else 0) + 1
        self.session.add(CategoryRow(
            code=category.code, version=version, kind=category.kind, major_class=category.major_class,
            name=category.name, limit_value=category.limit.value, limit_unit=category.limit.unit,
            closing_condition=category.closing_condition, default_unit=category.default_unit,
            lowest_tier=category.lowest_tier, changed_by=category.changed_by, changed_at=now,
        ))
        self.session.flush()
        return Category(category.code, version, category.kind, category.major_class, category.name,
                        category.limit, category.closing_condition, category.default_unit, category.lowest_tier,
                        category.changed_by)

    def rules(self) -> list[DispatchRuleRow]:
        return list(self.session.scalars(
            select(DispatchRuleRow).order_by(DispatchRuleRow.category_code, DispatchRuleRow.jurisdiction_prefix)))

    def set_rule(self, category_code: str, prefix: str, unit: str) -> None:
        row = self.session.get(DispatchRuleRow, (category_code, prefix))
        if row is None:
            self.session.add(DispatchRuleRow(category_code=category_code, jurisdiction_prefix=prefix, unit=unit))
        else:
            row.unit = unit
        self.session.flush()

    def route(self, category: Category, jurisdiction_code: str) -> str:
        """The handling unit for a case: the longest matching dispatch rule, else the category's default."""
        prefixes = [jurisdiction_code[:n] for n in (15, 12, 9, 6) if len(jurisdiction_code) >= n]
        rows = self.session.execute(_ROUTES, {"code": category.code, "prefixes": prefixes}).all()
        if rows:
            return max(rows, key=lambda r: len(r.jurisdiction_prefix)).unit
        return category.default_unit
