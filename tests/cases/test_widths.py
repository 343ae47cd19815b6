"""The cases catalogue's text one character wider than its database column is refused naming the field, on SQLite
and PostgreSQL alike; text exactly as wide is stored whole. The widths are read from the models."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import Column

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases.models import CategoryRow
from services.kit.database import Database
from tests.cases import people
from tests.support.services import running_service
from tests.support.widths import assert_width_enforced


@pytest.mark.parametrize(("field", "column"), [("category.name", CategoryRow.__table__.c.name),
                                               ("category.major_class", CategoryRow.__table__.c.major_class)])
async def test_category_text_as_wide_as_its_column_is_stored_and_one_more_character_is_refused(
        database: Database, field: str, column: Column[str]) -> None:
    admin = people.district_admin()
    async with running_service("cases", database) as svc:
        listed = await svc.stub.ListCategories(pb.ListCategoriesRequest(), metadata=admin)
        [garbage] = [c for c in listed.categories if c.code == "garbage_exposed"]

        def send_as(name: str) -> Callable[[str], Awaitable[object]]:
            async def send(text: str) -> object:
                changed = pb.Category()
                changed.CopyFrom(garbage)
                setattr(changed, name, text)
                return await svc.stub.UpdateCategory(pb.UpdateCategoryRequest(category=changed), metadata=admin)

            return send

        await assert_width_enforced(send_as(field.split(".")[1]), database, column, field, fill="类")
