"""A definition's YAML syntax error is shown at its line, whatever the page's language."""

from __future__ import annotations

import pytest

from web.pages.definition_errors import annotate
from workflow.definition_loading import load_definition_text
from workflow.errors import DefinitionError

BROKEN = "name: demo\ntitle: a: b\nstages: []\n"  # line 2: a mapping inside a plain value


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_yaml_syntax_error_is_placed_on_its_line(locale: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_definition_text(BROKEN, "upload.yaml")
    lines, unplaced = annotate(BROKEN, refused.value.text(locale), "upload.yaml")
    placed = [line.number for line in lines if line.problems]
    assert unplaced == []
    assert placed == [2]
