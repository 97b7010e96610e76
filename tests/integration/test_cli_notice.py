"""`honorflow campaign office`, `honorflow notice --pdf` and `honorflow final-list --pdf`:
what they write, and what they refuse with which exit code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from models.db import make_engine, make_session_factory
from tests.conftest import JIANGXI, make_campaign
from tests.integration.flow import add, to_notice
from tests.integration.test_cli import Honorflow, hf

__all__ = ["hf"]  # the fixture, imported for pytest


def test_office_notice_pdf_and_the_final_list_refused_before_the_decision(
    hf: Honorflow, tmp_path: Path
) -> None:
    hf.run("db", "upgrade")
    engine = make_engine(hf.env["HONORFLOW_DATABASE_URL"])
    try:
        sf = make_session_factory(engine)
        to_notice(sf, add(sf, make_campaign(sf), "nc", "张公示"))
    finally:
        engine.dispose()
    bad = hf.run("campaign", "office", "jx2026", "--office-phone", "86123456", ok=False)
    assert bad.returncode == 10 and "0791-86123456" in bad.stderr  # names the expected shape
    clerk = hf.run("campaign", "office", "jx2026", "--office-phone", "0791-86123456",
                   "--as", "unit_clerk@nc", ok=False)  # fmt: skip
    assert clerk.returncode != 0
    done = hf.json(
        "campaign", "office", "jx2026", "--office-name", "江西省功勋荣誉表彰工作领导小组办公室",
        "--office-phone", "0791-86123456", "--office-address", "南昌市卧龙路999号",
        "--office-postcode", "330038",
    )  # fmt: skip
    assert done["phone"] == "0791-86123456" and done["email"] == "office@example.org"

    pdf = tmp_path / "公示.pdf"
    written = hf.json("notice", "jx2026", "--pdf", str(pdf))
    assert written["count"] == 1 and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        flat = re.sub(r"\s+", "", text.stdout.decode("utf-8"))
        assert "张公示" in flat and "0791-86123456" in flat and "330038" in flat

    early = hf.run("final-list", "jx2026", "--pdf", str(tmp_path / "名单.pdf"), ok=False)
    assert early.returncode != 0 and not (tmp_path / "名单.pdf").exists()


@pytest.mark.parametrize("campaign", ["nowhere"])
def test_an_unknown_campaign_is_refused(hf: Honorflow, tmp_path: Path, campaign: str) -> None:
    hf.run("db", "upgrade")
    refused = hf.run("notice", campaign, "--pdf", str(tmp_path / "x.pdf"), ok=False)
    assert refused.returncode != 0 and not (tmp_path / "x.pdf").exists()


def test_a_campaign_without_a_mailbox_takes_the_installation_s(hf: Honorflow) -> None:
    hf.env["HONORFLOW_ADMIN_EMAIL"] = "laomoban@example.gov.cn"
    hf.run("db", "upgrade")
    hf.run("workflow", "load", str(JIANGXI))
    for code, extra in (("jx", ()), ("jx2", ("--admin-email", "jx2@example.gov.cn"))):
        hf.run("campaign", "create", "--code", code, "--title", "测试", "--definition",
               "jiangxi-labour-model", "--reference-date", "2026-03-01", *extra)  # fmt: skip
    assert hf.json("campaign", "office", "jx")["email"] == "laomoban@example.gov.cn"
    assert hf.json("campaign", "office", "jx2")["email"] == "jx2@example.gov.cn"
