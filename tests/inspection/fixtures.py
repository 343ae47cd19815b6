"""Shared builders for the inspection tests: sources of each type, survey files, metadata."""

from __future__ import annotations

from gridgov.inspection.v1 import inspection_pb2 as pb
from tests.support.actors import actor_metadata

DISTRICT, STREET, COMMUNITY = "110108", "110108001", "110108001001"
GRID, OTHER_GRID = "110108001001001", "110108002001001"

DISTRICT_MD = actor_metadata("bureau", roles=(("environment_bureau", DISTRICT),))


def grid_md(subject: str = "head-4", scope: str = GRID, mask: tuple[str, ...] = ()) -> object:
    return actor_metadata(subject, roles=(("grid_leader", scope),), mask=mask)


def source_input(source_type: int = pb.SOURCE_TYPE_CONSTRUCTION_SITE, code: str = GRID, name: str = "万寿路工地",
                 **extra: object) -> pb.SourceInput:
    """A valid SourceInput of ``source_type``."""
    message = pb.SourceInput(source_type=source_type, name=name, jurisdiction_code=code, address="万寿路1号",
                             responsible_unit="某建设公司", contact_name="王工", contact_phone="13800135289")
    if source_type in (pb.SOURCE_TYPE_CONSTRUCTION_SITE, pb.SOURCE_TYPE_OPEN_STORAGE_YARD,
                       pb.SOURCE_TYPE_BARE_LAND, pb.SOURCE_TYPE_COAL_YARD):
        message.area_m2 = 1500.0
    if source_type == pb.SOURCE_TYPE_RESTAURANT_FUMES:
        message.fume_purifier_installed = True
    if source_type == pb.SOURCE_TYPE_INDUSTRIAL_KEY_SOURCE:
        message.control_level = pb.CONTROL_LEVEL_NATIONAL
        message.permit_number = "91110108MA01"
    for key, value in extra.items():
        if isinstance(value, list):
            getattr(message, key).extend(value)
        elif isinstance(value, dict):
            getattr(message, key).CopyFrom(type(getattr(message, key))(**value))
        else:
            setattr(message, key, value)
    return message


SURVEY_HEADER = (
    "污染源类型,名称,网格编码,地址,责任单位,联系人,联系电话,面积(平方米),防尘措施,已落实清单项,"
    "油烟净化器,管控级别,排污许可证号"
)


def survey_csv(*rows: str) -> bytes:
    return ("\n".join((SURVEY_HEADER, *rows)) + "\n").encode("utf-8")


GOOD_ROWS = (
    f"施工工地,羊坊店工地,{GRID},羊坊店路2号,城建集团,李工,13911112222,8000,,施工现场100%围挡、出入车辆100%冲洗,,,",
    f"露天堆场,砂石料场,{GRID},万寿路8号,砂石公司,赵经理,010-68881234,3000,防风抑尘网、苫盖,,,,",
    f"餐饮油烟,老北京烤鸭,{GRID},翠微路3号,烤鸭店,孙老板,13700001111,,,,是,,",
    f"工业重点源,热电厂,{GRID},复兴路9号,热电公司,周工,13600002222,,,,,国控,91110108XYZ",
)
