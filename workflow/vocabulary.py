"""Controlled vocabularies: codes the rules read, with the Chinese labels forms use."""

from __future__ import annotations

from collections.abc import Mapping

GENDERS: dict[str, str] = {"M": "男", "F": "女"}

EMPLOYER_TYPES: dict[str, str] = {
    "enterprise": "企业",
    "government": "机关",
    "public_institution": "事业单位",
    "village": "农村",
    "social_org": "社会组织",
}

# "public" is for government bodies and public institutions.
OWNERSHIPS: dict[str, str] = {"state": "国有", "non_public": "非公有制", "public": "公有"}

CATEGORIES: dict[str, str] = {
    "front_line_worker": "一线职工",
    "technician": "专业技术人员",
    "enterprise_head": "企业负责人",
    "official": "机关干部",
    "farmer": "农民",
    "migrant_worker": "农民工",
    "scientist": "科教人员",
    "community_worker": "社区工作者",
    "gig_worker": "新就业形态劳动者",
    "other": "其他",
}

OFFICIAL_LEVELS: dict[str, str] = {
    "none": "无",
    "section": "科级",
    "county": "县处级",
    "bureau": "厅局级",
}

HONOUR_LEVEL_LABELS: dict[str, str] = {
    "unit": "单位级",
    "municipal": "市级",
    "provincial": "省级",
    "national": "全国",
}


def parse_code(vocab: Mapping[str, str], text: str) -> str:
    """Return the code for a code or Chinese label; ValueError lists the accepted values."""
    wanted = text.strip()
    folded = wanted.casefold()
    for code, label in vocab.items():
        # Codes are matched case-insensitively; labels are Chinese, so exact match.
        if folded == code.casefold() or wanted == label:
            return code
    accepted = ", ".join(f"{code} ({label})" for code, label in vocab.items())
    raise ValueError(f"'{wanted}' is not one of: {accepted}")
