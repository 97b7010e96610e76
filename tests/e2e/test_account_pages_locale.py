"""The account pages and their refusals, in Chinese, show no English word."""

from __future__ import annotations

from typing import Any

from tests.e2e.seed import PASSWORD
from tests.e2e.test_pages_http import log_in
from tests.e2e.test_pages_locale import _english, site  # noqa: F401  (the fixture)


def test_the_account_pages_and_their_refusals_are_chinese(site: Any) -> None:  # noqa: F811
    client, _ = site
    token = log_in(client, "jjjc")
    pages = {"/account": client.get("/account").text}
    form = {"csrf_token": token, "old_password": PASSWORD}
    differ = {**form, "new_password": "lantern-orchard-1", "new_password_again": "other-one-22"}
    pages["differ"] = client.post("/account/password", data=differ).text
    weak = {**form, "new_password": "qwertyuiop12", "new_password_again": "qwertyuiop12"}
    pages["weak"] = client.post("/account/password", data=weak).text
    wrong = {**form, "old_password": "not-it-at-all", "new_password": "lantern-orchard-1",
             "new_password_again": "lantern-orchard-1"}  # fmt: skip
    pages["wrong"] = client.post("/account/password", data=wrong).text
    assert "两次输入的新密码不一致" in pages["differ"] and "密码太容易被猜中" in pages["weak"]
    assert "原密码不正确" in pages["wrong"]
    admin_token = log_in(client, "admin")
    listed = client.get("/admin/users").text
    pages["/admin/users"] = listed
    reset = client.post("/admin/users/2/reset-password", data={"csrf_token": admin_token})
    assert "临时密码" in reset.text
    pages["reset"] = reset.text
    assert _english(pages) == {}
