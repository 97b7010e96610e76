"""The administrators' deadline page: filters, the retry button, and who is refused."""

from __future__ import annotations

from sqlalchemy import select, update

from models import Deadline
from models.uow import UnitOfWork
from tests.web.conftest import World
from tests.web.test_accounts import _browser


def _park_one(world: World) -> int:
    """Test setup: one of the world's deadlines failed, as the sweep parks it."""
    with UnitOfWork(world.sf) as uow:
        row_id = uow.session.scalars(
            select(Deadline.id).where(Deadline.status == "pending").order_by(Deadline.id)
        ).first()
        assert row_id is not None
        uow.session.execute(
            update(Deadline)
            .where(Deadline.id == row_id)
            .values(status="failed", last_error="2099年1月1日超出工作日历的范围")
        )
        uow.commit()
    return row_id


def _status(world: World, row_id: int) -> str:
    with UnitOfWork(world.sf, write=False) as uow:
        return uow.session.get_one(Deadline, row_id).status


def test_the_page_lists_filters_and_retries_a_failed_deadline(world: World) -> None:
    row_id = _park_one(world)
    admin, csrf = _browser(world, "admin")
    every = admin.get("/admin/deadlines")
    assert every.status_code == 200 and f'data-id="{row_id}"' in every.text
    assert every.text.count('data-status="pending"') > 0
    failed = admin.get("/admin/deadlines", params={"status": "failed"})
    assert failed.status_code == 200
    assert failed.text.count("data-id=") == 1 and "超出工作日历" in failed.text
    assert f"/admin/deadlines/{row_id}/retry" in failed.text
    later = admin.get("/admin/deadlines", params={"due_after": "2099-01-01 00:00"})
    assert later.status_code == 200 and "data-id=" not in later.text
    retried = admin.post(f"/admin/deadlines/{row_id}/retry", data={"csrf_token": csrf})
    assert retried.status_code == 200 and f"期限#{row_id}已恢复为待触发" in retried.text
    assert _status(world, row_id) == "pending"
    again = admin.post(f"/admin/deadlines/{row_id}/retry", data={"csrf_token": csrf})
    assert again.status_code == 409 and "只有失败的期限可以重试" in again.text


def test_bad_filters_are_refused_naming_the_field(world: World) -> None:
    admin, _csrf = _browser(world, "admin")
    for params, field in (
        ({"kind": "nonsense"}, "期限种类"),
        ({"status": "done"}, "状态"),
        ({"due_before": "next tuesday"}, "到期早于"),
        ({"campaign": "nope"}, "评选活动"),
    ):
        refused = admin.get("/admin/deadlines", params=params)
        assert refused.status_code == 422, (params, refused.status_code)
        assert field in refused.text, params


def test_only_administrators_see_or_retry_deadlines(world: World) -> None:
    row_id = _park_one(world)
    for who in ("team", "police", "clerk_nc", "secretary"):
        page, csrf = _browser(world, who)
        assert page.get("/admin/deadlines").status_code == 403, who
        refused = page.post(f"/admin/deadlines/{row_id}/retry", data={"csrf_token": csrf})
        assert refused.status_code == 403, who
    assert _status(world, row_id) == "failed"
    anonymous = world.client.get("/admin/deadlines", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    admin, _csrf = _browser(world, "admin")
    no_token = admin.post(f"/admin/deadlines/{row_id}/retry", data={})
    assert no_token.status_code in (403, 422) and _status(world, row_id) == "failed"
