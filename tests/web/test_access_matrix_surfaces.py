"""One access matrix, run through the API, the pages and the CLI: all three must agree.

Each row is a person, a resource of a nomination and what the policy answers: `ok`, `404`
(not visible: it does not exist for them, and nothing names its unit or department) or
`403` (recused: refused, and exactly one audit event records it); a row one may not see is
404 like an id no row has, but the refused read is audited once (an id no row has writes
nothing). The CLI as a role sees no more than the account.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.web.access_surfaces import SURFACES, Surfaces, access, denials, events, recusals
from tests.web.conftest import PEOPLE, World
from workflow.errors import NotFound, Recused

__all__ = ["access"]  # the fixture, imported for pytest


UNIT_NAMES = {"nc": "南昌市总工会", "gz": "赣州市总工会"}
DEPARTMENT_NAMES = {"police": "公安"}


# (person, resource, nomination, department of the task, outcome)
MATRIX: list[tuple[str, str, str, str, str]] = [
    # A reviewer of the nominee's own unit is recused from everything about it.
    *[("police_nc", r, "joint_nc", "police", "403") for r in SURFACES],
    # A reviewer who declared a conflict is recused the same way.
    *[("police", r, "joint_gz_official", "police", "403") for r in SURFACES],
    # Another department's nomination and task do not exist for a reviewer.
    *[("organisation", r, "joint_nc", "police", "404") for r in SURFACES],
    # Another unit's nomination does not exist for a clerk; neither does any task.
    *[("clerk_gz", r, "notice_nc", "", "404") for r in ("detail", "timeline", "objections")],
    ("clerk_nc", "task", "joint_nc", "police", "404"),
    # What one may see.
    *[("police", r, "joint_nc", "police", "ok") for r in SURFACES],
    *[("clerk_nc", r, "notice_nc", "", "ok") for r in ("detail", "timeline", "objections")],
    *[("team", r, "notice_nc", "", "ok") for r in ("detail", "timeline", "objections")],
    *[("admin", r, "joint_nc", "police", "ok") for r in SURFACES],
]


@pytest.mark.parametrize(
    ("who", "resource", "nomination", "department", "expected"),
    MATRIX,
    ids=[f"{m[0]}-{m[1]}-{m[2]}-{m[4]}" for m in MATRIX],
)
def test_api_pages_and_cli_give_the_same_answer(
    access: World, who: str, resource: str, nomination: str, department: str, expected: str
) -> None:
    surfaces = Surfaces(access)
    for surface in ("api", "page", "cli"):
        before, denied, total = recusals(access), denials(access), events(access)
        viewed = recusals(access, "id_number_viewed")
        answer = surfaces.one(surface, who, resource, nomination, department)
        assert answer.outcome == expected, (surface, answer.text[:500])
        total += recusals(access, "id_number_viewed") - viewed  # police see it, audited apart
        # Exactly one audit event for each refused read (recused, or a row out of sight),
        # none for any other answer.
        assert recusals(access) - before == (1 if expected == "403" else 0), surface
        assert denials(access) - denied == (1 if expected == "404" else 0), surface
        assert events(access) - total == (0 if expected == "ok" else 1), surface
        if expected != "ok":
            # Refused or not found: nothing tells whose nomination or task it is.
            assert UNIT_NAMES[nomination.split("_")[1]] not in answer.text, surface
            if department and PEOPLE[who].get("department") != department:
                assert f"({department})" not in answer.text, surface
                assert DEPARTMENT_NAMES[department] not in answer.text, surface


def test_the_cli_as_a_role_sees_no_more_than_the_account(access: World) -> None:
    """A CLI role without an account is held to the same visibility and recusal."""
    surfaces = Surfaces(access)
    nid = str(access.n["joint_nc"])
    for spec, expected in (
        ("department_reviewer:police@nc", Recused),
        ("department_reviewer:organisation", NotFound),
        ("unit_clerk@gz", NotFound),
    ):
        result = CliRunner().invoke(
            cli, ["--json", "nominations", "show", nid, "--as", spec], standalone_mode=False
        )
        assert isinstance(result.exception, expected), (spec, result.exception)
    assert surfaces.cli("admin", ["nominations", "show", nid]).outcome == "ok"


def test_an_id_no_row_can_have_is_not_found_everywhere(access: World) -> None:
    """A 64-bit overflow is just an id that does not exist, not a server error."""
    surfaces, huge = Surfaces(access), str(2**63)
    before = events(access)
    assert surfaces.api("admin", f"/api/nominations/{huge}").outcome == "404"
    assert surfaces.api("admin", f"/api/tasks/{huge}").outcome == "404"
    assert surfaces.page("admin", f"/nominations/{huge}").outcome == "404"
    assert surfaces.cli("admin", ["nominations", "show", huge]).outcome == "404"
    assert events(access) == before


@pytest.mark.parametrize("who", ["organisation", "clerk_gz", "admin"])
def test_a_read_of_an_id_no_row_has_writes_nothing_anywhere(access: World, who: str) -> None:
    """Only a row that exists is audited when it is out of sight: a missing id writes nothing."""
    surfaces, missing = Surfaces(access), "987654321"
    before = events(access)
    for resource in SURFACES:
        api, page, args = SURFACES[resource]
        values = {"n": missing, "t": missing}
        assert surfaces.api(who, api.format(**values)).outcome == "404", resource
        assert surfaces.page(who, page.format(**values)).outcome == "404", resource
        assert surfaces.cli(who, [a.format(**values) for a in args]).outcome == "404", resource
    assert events(access) == before
