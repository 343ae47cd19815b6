"""The category catalogue a district starts with, in the style of the national digital urban-management
standard (GB/T 30428.2: components and events, major and minor classes), plus the categories other
services raise. It seeds version 1 of each category; administrators change it through UpdateCategory.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.cases.deadlines import Limit, LimitUnit
from services.cases.domain import Tier


class CategoryKind(StrEnum):
    COMPONENT = "component"
    EVENT = "event"


@dataclass(frozen=True)
class Category:
    code: str
    version: int
    kind: CategoryKind
    major_class: str
    name: str
    limit: Limit
    closing_condition: str
    default_unit: str
    lowest_tier: Tier
    changed_by: str = "seed"


H, D = LimitUnit.WORKING_HOURS, LimitUnit.WORKING_DAYS
C, S_, DI = Tier.COMMUNITY, Tier.STREET, Tier.DISTRICT
# Handling units a district has by default (codes; the dispatch table maps to them).
UNITS = {
    "community_workstation": "社区工作站",
    "street_office": "街道办事处",
    "urban_management": "城市管理委员会",
    "law_enforcement": "城管执法局",
    "landscaping": "园林绿化局",
    "housing": "住房和城乡建设委员会",
    "water": "水务局",
    "traffic": "交通委员会",
    "market_regulation": "市场监督管理局",
    "public_security": "公安分局",
    "police_station": "派出所",
    "environment_bureau": "生态环境局",
    "fire_department": "消防救援支队",
    "emergency_linkage": "应急联动中心",
}

_SEED = (
    # components (部件)
    (CategoryKind.COMPONENT, "public_facilities", "manhole_cover_damaged", "井盖破损或丢失", 4, H,
     "井盖已补齐或更换，路面平整无安全隐患", "urban_management", S_),
    (CategoryKind.COMPONENT, "public_facilities", "street_lamp_broken", "路灯不亮或损坏", 2, D,
     "路灯恢复正常照明", "urban_management", S_),
    (CategoryKind.COMPONENT, "public_facilities", "public_toilet_damaged", "公厕设施损坏", 3, D,
     "公厕设施修复并可正常使用", "urban_management", S_),
    (CategoryKind.COMPONENT, "roads_and_traffic", "road_pothole", "道路坑洼破损", 5, D,
     "路面修补完毕，无坑洼积水", "traffic", DI),
    (CategoryKind.COMPONENT, "roads_and_traffic", "traffic_sign_damaged", "交通标志损坏", 3, D,
     "交通标志修复或更换", "traffic", DI),
    (CategoryKind.COMPONENT, "city_appearance", "billboard_damaged", "户外广告设施破损", 5, D,
     "破损设施已修复或拆除", "urban_management", S_),
    (CategoryKind.COMPONENT, "greening", "tree_damaged", "行道树倒伏或损坏", 2, D,
     "树木已扶正、修剪或补植", "landscaping", S_),
    (CategoryKind.COMPONENT, "greening", "green_space_damaged", "绿地被毁或黄土裸露", 5, D,
     "绿地恢复，无裸露黄土", "landscaping", C),
    (CategoryKind.COMPONENT, "housing_and_land", "dangerous_building", "危房隐患", 10, D,
     "危房已排险或人员已撤离并设警示", "housing", DI),
    (CategoryKind.COMPONENT, "other_components", "facility_other", "其他部件问题", 5, D,
     "部件恢复正常", "street_office", S_),
    # events (事件)
    (CategoryKind.EVENT, "appearance_and_environment", "garbage_exposed", "暴露垃圾", 2, H,
     "垃圾已清理，现场整洁", "community_workstation", C),
    (CategoryKind.EVENT, "appearance_and_environment", "clutter", "乱堆乱放", 1, D,
     "堆放物已清理", "community_workstation", C),
    (CategoryKind.EVENT, "appearance_and_environment", "sewage_overflow", "污水外溢", 4, H,
     "污水已疏通，现场无外溢", "water", S_),
    (CategoryKind.EVENT, "advertising", "illegal_posting", "非法小广告", 1, D,
     "小广告已清除", "community_workstation", C),
    (CategoryKind.EVENT, "advertising", "illegal_billboard", "违规户外广告", 5, D,
     "违规广告已拆除", "law_enforcement", S_),
    (CategoryKind.EVENT, "construction_management", "construction_dust", "施工扬尘", 1, D,
     "已落实覆盖、洒水等防尘措施", "law_enforcement", S_),
    (CategoryKind.EVENT, "construction_management", "illegal_construction", "违法建设", 10, D,
     "违法建设已拆除或依法处理", "law_enforcement", DI),
    (CategoryKind.EVENT, "street_order", "street_vending", "无照游商", 2, H,
     "游商已劝离，现场恢复秩序", "law_enforcement", S_),
    (CategoryKind.EVENT, "street_order", "shop_encroachment", "店外经营", 1, D,
     "店外经营已清理", "law_enforcement", S_),
    (CategoryKind.EVENT, "street_order", "illegal_parking", "违规停车", 2, H,
     "车辆已驶离或依法处理", "public_security", S_),
    (CategoryKind.EVENT, "emergencies", "road_collapse", "道路塌陷", 2, H,
     "塌陷区域已围挡并修复", "emergency_linkage", DI),
    (CategoryKind.EVENT, "emergencies", "gas_leak", "燃气泄漏", 1, H,
     "泄漏已处置，现场安全", "emergency_linkage", DI),
    (CategoryKind.EVENT, "other_events", "neighbourhood_dispute", "邻里纠纷", 5, D,
     "纠纷已调解，双方签字确认", "community_workstation", C),
    (CategoryKind.EVENT, "other_events", "event_other", "其他事件", 5, D,
     "问题已解决", "street_office", S_),
    # raised by other services
    (CategoryKind.EVENT, "handed_over", "fire_hazard_handed_over", "消防隐患移交", 3, D,
     "隐患已整改并经消防复查合格", "police_station", S_),
    (CategoryKind.EVENT, "handed_over", "pollution_violation", "大气污染违法行为", 3, D,
     "违法行为已查处，防尘措施到位", "environment_bureau", S_),
)


# Where a CaseRequested with a category this catalogue lacks is filed, so no event is ever lost.
FALLBACK_CATEGORY = "event_other"


def seed() -> tuple[Category, ...]:
    """Version 1 of every category."""
    return tuple(
        Category(code, 1, kind, major, name, Limit(value, unit), condition, unit_code, tier)
        for kind, major, code, name, value, unit, condition, unit_code, tier in _SEED
    )
