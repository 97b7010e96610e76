"""The public objection needs a proof that a person is there: a signed sum, good once, for a
while; and a nominee takes only so many objections an hour from the web."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response

from tests.web.conftest import NOW, World, error
from tests.web.hardening import form_proof, proof

URL = "/api/notice/jx2026/objections"
OBJECTION = {"reporter_name": "李四", "contact": "13900001111", "content": "材料不实"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _body(world: World, **extra: str) -> dict[str, object]:
    return {**OBJECTION, "nomination_id": world.n["notice_nc"], **extra}


def _refused(answer: Response, word: str) -> None:
    assert answer.status_code == 422, answer.text
    found = error(answer)
    assert found["code"] == "proof_refused" and found["field"] == "body.challenge"
    assert word in found["message"] and CHINESE.search(found["message"])


def test_a_correct_answer_is_accepted(world: World) -> None:
    answer = world.client.post(URL, json=_body(world, **proof(world.client)))
    assert answer.status_code == 201, answer.text


def test_missing_forged_and_wrong_proofs_are_refused(world: World) -> None:
    _refused(world.client.post(URL, json=_body(world)), "请先回答验证题")
    good = proof(world.client)
    wrong = str(int(good["answer"]) + 1)
    _refused(world.client.post(URL, json=_body(world, **{**good, "answer": wrong})), "答案不对")
    nonce, issued, mac = proof(world.client)["challenge"].split(".")
    forged = {"challenge": f"{nonce}.{issued}.{'0' * len(mac)}", "answer": good["answer"]}
    _refused(world.client.post(URL, json=_body(world, **forged)), "答案不对")
    future = {"challenge": f"{nonce}x.{int(issued) + 86400}.{mac}", "answer": "1"}
    _refused(world.client.post(URL, json=_body(world, **future)), "答案不对")
    other = proof(world.client, "another-notice")  # signed for another notice
    _refused(world.client.post(URL, json=_body(world, **other)), "答案不对")


def test_an_expired_proof_is_refused(world: World) -> None:
    good = proof(world.client)
    world.app.state.clock.now = NOW + timedelta(minutes=31)
    _refused(world.client.post(URL, json=_body(world, **good)), "已过期")


def test_a_proof_is_good_once(world: World) -> None:
    good = proof(world.client)
    assert world.client.post(URL, json=_body(world, **good)).status_code == 201
    _refused(world.client.post(URL, json=_body(world, **good)), "已经用过")


def test_a_nominee_takes_only_so_many_objections_an_hour(world: World) -> None:
    codes = [
        TestClient(world.app, client=(f"192.0.2.{i}", 1))  # each from another address
        .post(URL, json=_body(world, **proof(world.client)))
        .status_code
        for i in range(6)
    ]
    assert codes == [201] * 5 + [429]


def test_the_page_form_carries_a_question_answered_without_script(world: World) -> None:
    client = TestClient(world.app)
    page = client.get("/notice/jx2026").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf and "验证题" in page
    form = {**OBJECTION, "nomination_id": str(world.n["notice_nc"]), "csrf_token": csrf.group(1)}
    url = "/notice/jx2026/objections"
    unanswered = client.post(url, data=form, follow_redirects=False)
    assert unanswered.status_code == 422 and "请先回答验证题" in unanswered.text
    again = {**form, **form_proof(unanswered.text)}  # the refusal shows a new question
    assert client.post(url, data=again, follow_redirects=False).status_code == 303
    reused = client.post(url, data=again, follow_redirects=False)
    assert reused.status_code == 422 and "已经用过" in reused.text
