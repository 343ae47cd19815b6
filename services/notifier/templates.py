"""The message of each reminder kind: the inbox title, the text for SMS and e-mail, the SMS template's code."""

from __future__ import annotations

from dataclasses import dataclass

from services.notifier.domain import ReminderKind, masked


@dataclass(frozen=True)
class Template:
    """One kind's message; ``body`` is filled with the reminder's params (str.format)."""

    sms_code: str
    title: str
    body: str


TEMPLATES: dict[ReminderKind, Template] = {
    ReminderKind.CASE_DISPATCHED: Template(
        "GRIDGOV_CASE_DISPATCHED", "新派遣案件", "案件{case_number}已派遣至贵单位，请于{deadline}前处置。"),
    ReminderKind.CASE_DUE_SOON: Template(
        "GRIDGOV_CASE_DUE_SOON", "案件即将超期", "案件{case_number}将于{deadline}到期，请抓紧处置。"),
    ReminderKind.CASE_OVERDUE: Template(
        "GRIDGOV_CASE_OVERDUE", "案件已超期", "案件{case_number}已超过处置期限{deadline}，请立即处置。"),
    ReminderKind.CASE_SUPERVISED: Template(
        "GRIDGOV_CASE_SUPERVISED", "案件督办", "案件{case_number}逾期未办结，已列入督办，期限{deadline}。"),
    ReminderKind.HAZARD_OVERDUE: Template(
        "GRIDGOV_HAZARD_OVERDUE", "火灾隐患逾期未改",
        "{place_name}的火灾隐患整改期限{rectify_by}已过，{hand_over_at}前仍未整改将移交派出所。"),
    ReminderKind.PATROL_MISSED: Template(
        "GRIDGOV_PATROL_MISSED", "巡查未达频次",
        "网格{jurisdiction_code}在{window_start}至{window_end}应巡查{required}次，实际{done}次。"),
    ReminderKind.SUPERVISION_MISSED: Template(
        "GRIDGOV_SUPERVISION_MISSED", "重点源督查未达频次",
        "{name}在{window_start}至{window_end}应督查{required}次，实际{done}次。"),
}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: ReminderKind, params: dict[str, str]) -> tuple[str, str]:
    """The title and the text of a reminder, ID numbers masked."""
    template = TEMPLATES[kind]
    return masked(template.title), masked(template.body.format_map(_Blank(params)))


def sms_params(params: dict[str, str]) -> dict[str, str]:
    """The template parameters an SMS provider fills in, ID numbers masked."""
    return {key: masked(value) for key, value in sorted(params.items())}
