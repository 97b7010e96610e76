"""A realistic, deterministic provincial campaign population for the demo."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from workflow.facts import NomineeFacts, PriorHonour
from workflow.importing import ImportedNomination

CITIES = ("南昌", "九江", "景德镇", "萍乡", "新余", "鹰潭", "赣州", "吉安", "宜春", "抚州", "上饶")
CITY_PLACES = (30, 22, 12, 12, 10, 10, 34, 24, 24, 18, 28)
INDUSTRY_UNITS = (
    ("edu", "省教育厅", 10, "department"),
    ("transport", "省交通运输厅", 6, "department"),
    ("health", "省卫生健康委", 8, "department"),
    ("sasac", "省国资委", 12, "department"),
    ("agri", "省农业农村厅", 6, "department"),
    ("sci", "省科技厅", 5, "department"),
    ("railway", "南昌铁路局工会", 5, "industry_union"),
    ("copper", "江西铜业集团工会", 5, "industry_union"),
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强海燕文辉晓东春"
    "生玉兰德胜金凤卫东小红建华淑珍永强丽娟国华"
)
MINORITIES = ("畲族", "回族", "苗族", "满族", "壮族", "土家族")
EMPLOYERS = {
    "enterprise": (
        "钢铁有限公司",
        "汽车制造有限公司",
        "电力公司",
        "建设集团",
        "稀土股份公司",
        "快递服务站",
        "陶瓷有限公司",
        "光伏科技公司",
    ),
    "government": ("市场监督管理局", "人民政府办公室", "税务局", "公安局"),
    "public_institution": ("人民医院", "第一中学", "农业科学院", "疾病预防控制中心"),
    "village": ("村民委员会",),
}
# (category, employer_type, weight); the weights give a list close to DOMAIN.md's figures.
PROFILES = (
    ("front_line_worker", "enterprise", 30),
    ("technician", "enterprise", 16),
    ("migrant_worker", "enterprise", 6),
    ("gig_worker", "enterprise", 3),
    ("enterprise_head", "enterprise", 10),
    ("farmer", "village", 12),
    ("community_worker", "public_institution", 3),
    ("scientist", "public_institution", 9),
    ("official", "government", 11),
)


FRONT_LINE = ("front_line_worker", "technician", "migrant_worker", "gig_worker")
# 行业领域 by employer type (the Jiangxi definition's own codes); 科教文卫 for hospitals,
# schools and institutes, 急难险重岗位 for police, disease control and some front-line posts.
SECTORS = {
    "enterprise": "manufacturing",
    "government": "public_administration",
    "public_institution": "science_education_culture_health",
    "village": "agriculture",
}
EMERGENCY_EMPLOYERS = ("公安局", "疾病预防控制中心", "人民医院")


def sector_and_post(
    employer_type: str, category: str, employer: str, votes: int
) -> tuple[str, str]:
    """The nominee's 行业领域 and 岗位类型, from what is drawn already (the seed's draws stay
    as they were, so a seed gives the same campaign as before)."""
    sector = "commerce_services" if category == "gig_worker" else SECTORS[employer_type]
    urgent = any(e in employer for e in EMERGENCY_EMPLOYERS)
    urgent = urgent or (category in FRONT_LINE and votes % 7 == 0)
    return sector, "emergency" if urgent else "ordinary"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    places: int
    kind: str

    @property
    def email(self) -> str:
        return f"{self.code}@units.example.org"


def demo_units() -> list[DemoUnit]:
    """The city unions and provincial departments that hold places."""
    cities = [
        DemoUnit(f"city{i:02d}", f"{name}市总工会", places, "city_union")
        for i, (name, places) in enumerate(zip(CITIES, CITY_PLACES, strict=True), start=1)
    ]
    return cities + [
        DemoUnit(code, name, places, kind) for code, name, places, kind in INDUSTRY_UNITS
    ]


class PopulationGenerator:
    """Draws nominees from a seeded random source: same seed, same campaign."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def nominations_for(
        self, unit: DemoUnit, honour: str, over_quota: bool = False
    ) -> list[ImportedNomination]:
        """A unit's form: main nominations up to its places (or one over) and alternates."""
        rng = self.rng
        mains = unit.places if rng.random() < 0.7 else unit.places - 1
        mains = unit.places + 1 if over_quota else mains
        alternates = 1 if unit.places < 10 else 2
        entries = [self._entry(unit, honour, "main", None) for _ in range(mains)]
        entries += [self._entry(unit, honour, "alternate", k) for k in range(1, alternates + 1)]
        return entries

    def _entry(
        self, unit: DemoUnit, honour: str, rank: str, order: int | None
    ) -> ImportedNomination:
        facts = self._facts(unit)
        if rank == "alternate" and facts.category not in FRONT_LINE:
            # Units name front-line alternates, so that an enterprise head may be put forward.
            facts = replace(
                facts,
                category="front_line_worker",
                employer_type="enterprise",
                sector="manufacturing",
                official_level="none",
                is_unit_leader=False,
                employer=facts.employer[:2] + EMPLOYERS["enterprise"][0],
                ownership=self._ownership("enterprise"),
            )
        summary = f"{facts.name}同志长期扎根{facts.employer}，业绩突出，群众公认。"
        return ImportedNomination(facts, honour, rank, order, summary, summary * 4, 0)

    def _facts(self, unit: DemoUnit) -> NomineeFacts:
        rng = self.rng
        category, employer_type = rng.choices(
            [(c, e) for c, e, _ in PROFILES], weights=[w for _, _, w in PROFILES]
        )[0]
        city = unit.name[:2] if unit.kind == "city_union" else rng.choice(CITIES)
        leader = category in ("enterprise_head", "official")
        official_level = "none"
        if category == "official":
            official_level = rng.choices(["section", "county"], weights=[80, 20])[0]
        total = rng.randint(40, 300)
        share = rng.uniform(0.86, 1.0) if leader else rng.uniform(0.6, 1.0)
        notice_start = date(2026, 2, rng.choice((2, 3, 4, 5)))
        facts = NomineeFacts(
            name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
            birth_date=date(rng.randint(1966, 1996), rng.randint(1, 12), rng.randint(1, 28)),
            gender="F" if rng.random() < 0.27 else "M",
            ethnicity=rng.choice(MINORITIES) if rng.random() < 0.06 else "汉族",
            employer=city + rng.choice(EMPLOYERS[employer_type]),
            employer_type=employer_type,
            ownership=self._ownership(employer_type),
            category=category,
            official_level=official_level,
            recommending_unit=unit.name,
            disability=rng.random() < 0.02,
            migrant_worker=category == "migrant_worker",
            gig_worker=category == "gig_worker",
            prior_honours=(PriorHonour(f"{city}市劳动模范", "municipal", rng.randint(2012, 2023)),),
            is_unit_leader=leader,
            votes_for=round(total * share),
            votes_total=total,
            unit_notice_start=notice_start,
            unit_notice_end=date(2026, 2, notice_start.day + 7),
            evaluation_grade="A" if rng.random() < 0.6 else "B",
            evaluation_date=date(2025, 6, 30),
        )
        sector, post = sector_and_post(employer_type, category, facts.employer, total)
        return replace(facts, sector=sector, post=post)

    def _ownership(self, employer_type: str) -> str:
        if employer_type == "enterprise":
            return "non_public" if self.rng.random() < 0.45 else "state"
        return "public"

    def spoil(self, entry: ImportedNomination) -> tuple[ImportedNomination, str]:
        """Make a nominee ineligible in one realistic way; returns the entry and what was done."""
        facts = entry.facts
        problems = {
            "retired": replace(facts, retired=True),
            "prior_honour": replace(
                facts, prior_honours=(PriorHonour("江西省劳动模范", "provincial", 2022),)
            ),
            "no_lower_honour": replace(facts, prior_honours=()),
            "military": replace(facts, military=True),
            "wage_arrears_blacklist": replace(facts, wage_arrears_blacklist=True),
            "nonpublic_evaluation": replace(facts, ownership="non_public", evaluation_grade="C"),
        }
        if facts.category == "enterprise_head":
            problems["enterprise_head_checks"] = replace(facts, tax_problem=True)
        kind = self.rng.choice(sorted(problems))
        return replace(entry, facts=problems[kind]), kind

    def weaken_recommendation(self, entry: ImportedNomination) -> ImportedNomination:
        """A democratic recommendation that falls short (few votes or a short unit notice)."""
        facts = entry.facts
        if self.rng.random() < 0.5 and facts.votes_total:
            weak = replace(facts, votes_for=int(facts.votes_total * 0.45))
        else:
            weak = replace(
                facts,
                unit_notice_end=date(2026, 2, facts.unit_notice_start.day + 2)
                if facts.unit_notice_start
                else None,
            )
        return replace(entry, facts=weak)
