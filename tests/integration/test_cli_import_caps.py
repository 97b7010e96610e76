"""`honorflow nominations import` within the caps: a huge cell gives a short refusal (exit 10)
naming the cap, never the cell's text (the count past the first errors: test_importing_caps)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import Honorflow, hf, setup_campaign
from tests.unit.test_importing_caps import huge_cell_xlsx

__all__ = ["hf"]  # the fixture, used by name


def test_the_cli_refuses_big_files_briefly(hf: Honorflow, tmp_path: Path) -> None:
    setup_campaign(hf, tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(huge_cell_xlsx(20_000_000))
    huge = hf.run("nominations", "import", str(bomb), "--campaign", "jx", ok=False)
    assert huge.returncode == 10 and len(huge.stderr) < 1000 and "aaaa" not in huge.stderr
    assert "bomb.xlsx:2: 姓名: 共20000000个字，至多4000个字" in huge.stderr
