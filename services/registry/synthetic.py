"""Deterministic synthetic households for demo data and benchmarks: plausible names, valid national IDs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from services.registry import domain

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN_MALE = ("伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "建国", "志强",
              "海涛", "建军", "文博", "子轩", "浩然", "宇航", "俊杰", "国庆")
GIVEN_FEMALE = ("芳", "娜", "敏", "静", "丽", "娟", "艳", "霞", "秀英", "桂英", "玉兰", "婷", "雪", "慧", "欣怡",
                "雨涵", "诗涵", "梓涵", "秀兰", "丽华", "春梅", "海燕", "晓燕", "思琪")
LATEST_BIRTH = date(2024, 12, 31)
HELPER_REASONS = {
    domain.VulnerableTag.LEFT_BEHIND_ELDERLY: "子女在外地工作，老人独自在家",
    domain.VulnerableTag.LEFT_BEHIND_CHILDREN: "父母外出务工，儿童由祖辈照看",
    domain.VulnerableTag.ELDERLY_ALONE: "高龄独居，需定期探视",
    domain.VulnerableTag.DISABLED: "家中有重度残疾人",
    domain.VulnerableTag.LOW_INCOME: "享受最低生活保障",
    domain.VulnerableTag.HAZARD_AREA: "居住在地质灾害隐患区域",
    domain.VulnerableTag.OFFENDER_FAMILY: "家庭成员为刑满释放人员",
}


@dataclass(frozen=True)
class SyntheticHousehold:
    number: str
    jurisdiction_code: str
    address: str
    care_level: domain.CareLevel
    care_reason: str
    helper: domain.Helper | None
    tags: tuple[domain.VulnerableTag, ...]
    members: tuple[domain.ResidentDetails, ...]


# The first two digits of a national ID's region code name the province: 11 to 65, 71 (Taiwan), 81 and 82
# (Hong Kong, Macao). Synthetic people are born in province 99, which no real person and no ledger a district
# holds (such as the sample ledgers, region 110108) can use, so demo residents never take an imported
# resident's ID number. The last four digits keep the demo district's.
REAL_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})
DEMO_PROVINCE = "99"
DEMO_REGION = DEMO_PROVINCE + "0108"


class Synthesizer:
    """Makes households from a seed; the same seed gives the same households, IDs and phones."""

    def __init__(self, seed: int, region: str = DEMO_REGION) -> None:
        if region[:2] in REAL_PROVINCES:
            raise ValueError(f"synthetic people need a region outside every real province, not {region}")
        self.rng = random.Random(seed)
        self.region = region
        self.used_ids: set[str] = set()
        self.used_helper_phones: set[str] = set()
        self.count = 0

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def name(self, gender: domain.Gender, surname: str | None = None) -> str:
        given = GIVEN_MALE if gender is domain.Gender.MALE else GIVEN_FEMALE
        return (surname or self.rng.choice(SURNAMES)) + self.rng.choice(given)

    def id_number(self, born: date, gender: domain.Gender) -> str:
        """An unused valid ID; raises RuntimeError when the birth date's 500 sequence numbers are spent."""
        for _ in range(2000):
            sequence = self.rng.randrange(500) * 2 + (1 if gender is domain.Gender.MALE else 0)
            first17 = f"{self.region}{born:%Y%m%d}{sequence:03d}"
            number = first17 + domain.id_check_character(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise RuntimeError(f"no free national ID left for {born.isoformat()} {gender.value}")

    def person(self, relationship: domain.Relationship, born: date, gender: domain.Gender,
               surname: str | None = None) -> domain.ResidentDetails:
        floating = self.rng.random() < 0.18
        return domain.ResidentDetails(
            name=self.name(gender, surname), id_number=self.id_number(born, gender), gender=gender,
            birth_date=born.isoformat(), phone=self.phone() if self.rng.random() < 0.7 else "",
            population_type=domain.PopulationType.FLOATING if floating else domain.PopulationType.REGISTERED,
            relationship=relationship)

    def household(self, grid: str, street_name: str, community_name: str) -> SyntheticHousehold:
        self.count += 1
        rng = self.rng
        head_gender = domain.Gender.MALE if rng.random() < 0.6 else domain.Gender.FEMALE
        head_born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 60))
        surname = rng.choice(SURNAMES)
        members = [self.person(domain.Relationship.HEAD, head_born, head_gender, surname)]
        size = rng.choices((1, 2, 3, 4), weights=(20, 30, 35, 15))[0]
        if size >= 2:
            spouse_gender = domain.Gender.FEMALE if head_gender is domain.Gender.MALE else domain.Gender.MALE
            spouse_born = head_born + timedelta(days=rng.randrange(-1500, 1500))
            members.append(self.person(domain.Relationship.SPOUSE, spouse_born, spouse_gender))
        # Children are born 20 to 38 years after the head, and not after LATEST_BIRTH.
        span = min(365 * 38, (LATEST_BIRTH - head_born).days)
        for _ in range(size - 2 if span > 365 * 20 else 0):
            child_gender = rng.choice(tuple(domain.Gender))
            male = child_gender is domain.Gender.MALE
            relationship = domain.Relationship.SON if male else domain.Relationship.DAUGHTER
            child_born = head_born + timedelta(days=rng.randrange(365 * 20, span))
            members.append(self.person(relationship, child_born, child_gender, surname))
        roll = rng.random()
        tags: tuple[domain.VulnerableTag, ...] = ()
        helper = None
        reason = ""
        if roll < 0.07:
            level = domain.CareLevel.CLOSE_CONTACT
            tag = rng.choice(tuple(domain.VulnerableTag))
            tags, reason = (tag,), HELPER_REASONS[tag]
            phone = self.phone()
            while phone in self.used_helper_phones:
                phone = self.phone()
            self.used_helper_phones.add(phone)
            helper = domain.Helper(self.name(rng.choice(tuple(domain.Gender))), phone)
        elif roll < 0.25:
            level, reason = domain.CareLevel.ATTENTION, rng.choice(("收入低于平均水平", "暂无平安家庭记录"))
        else:
            level = domain.CareLevel.ASSURED
        building, floor, room = rng.randrange(1, 30), rng.randrange(1, 19), rng.randrange(1, 5)
        address = f"北京市海淀区{street_name}{community_name}{building}号楼{floor}{room:02d}室"
        return SyntheticHousehold(f"H{grid[-9:]}{self.count:06d}", grid, address, level, reason, helper, tags,
                                  tuple(members))
