"""Shared form of the import tests: a good row, writing it as CSV, reading the errors back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from workflow.errors import ImportFailed, RowError
from workflow.importing import read_nominations

GOOD: dict[str, Any] = {
    "name": "张伟",
    "gender": "M",
    "birth_date": "1978-03-15",
    "ethnicity": "汉族",
    "employer": "江铃汽车股份有限公司",
    "employer_type": "enterprise",
    "category": "front_line_worker",
    "official_level": "none",
    "recommending_unit": "南昌市总工会",
    "honor": "江西省劳动模范",
    "rank": "main",
    "retired": "no",
    "disability": "no",
    "prior_honors": "2018 南昌市劳动模范",
    "votes_for": "312",
    "votes_total": "330",
    "unit_notice_start": "2024-05-06",
    "unit_notice_end": "2024-05-10",
    "summary": "扎根一线二十年。",
}


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    header = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[row.get(h, "") for h in header] for row in rows])
    return path


def errors_of(path: Path) -> list[RowError]:
    with pytest.raises(ImportFailed) as caught:
        read_nominations(path)
    return caught.value.errors


def where(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(e.row, e.field) for e in errors]
