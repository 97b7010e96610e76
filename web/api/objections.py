"""Objections: the public notice and raising one (no login), the team recording and deciding,
the unit answering, the team's list of investigations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Query, Request
from pydantic import AliasChoices, BaseModel, Field

from config.catalogue import msg, render
from config.display import deadline
from web.api.auth import client_ip
from web.deps import CurrentActor, Now, Uow
from web.errors import request_locale
from workflow.actors import Actor
from workflow.calendar import SHANGHAI
from workflow.campaign_office import follow_up, office_of
from workflow.clean_text import CleanLongText, CleanText
from workflow.errors import NotFound
from workflow.queries import objections as read
from workflow.queries.objections import ObjectionView
from workflow.services import challenges, objections
from workflow.services.notice import notice_campaign, public_notice

router = APIRouter(tags=["objections"])
PUBLIC = Actor("public", "public")  # the audit never records a reporter's name
NONBLANK = r"\S"


class PublicEntryOut(BaseModel):
    nomination_id: int
    name: str
    gender: str
    ethnicity: str
    birth_year: int
    employer: str
    employer_type: str
    category: str
    recommending_unit: str
    rank: str
    summary: str
    notice_ends_at: datetime | None


class NoticeOut(BaseModel):
    campaign: str
    title: str
    honour: str
    entries: list[PublicEntryOut]


class PublicObjectionIn(BaseModel):
    nomination_id: int = Field(ge=1)
    reporter_name: CleanText = Field(min_length=1, max_length=100, pattern=NONBLANK)
    contact: CleanText = Field(min_length=1, max_length=200, pattern=NONBLANK)
    content: CleanLongText = Field(min_length=1, max_length=5000, pattern=NONBLANK)
    challenge: str = Field(default="", max_length=200, description="from GET …/challenge")
    answer: str = Field(default="", max_length=20, description="the challenge's question answered")


class ChallengeOut(BaseModel):
    challenge: str
    question: str
    expires_at: datetime


class ReceivedOut(BaseModel):
    id: int
    received_on: date
    reference: str = Field(description="quote it to the campaign office to follow the case")
    follow: str = Field(description="how to follow the case, in words")
    office_phone: str | None
    office_email: str


class ObjectionOut(BaseModel):
    id: int
    nomination_id: int
    source: str
    reporter_name: str | None
    contact: str | None
    unit_stamp: str | None
    received_on: date
    content: str
    status: str
    finding: str | None
    answer_due_at: datetime | None
    resolved_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None
    decision_reason: str | None
    decided_by: str | None
    reference: str | None = None  # the working team and admins only, like the objector


class AnswerIn(BaseModel):
    # `finding` is the name the answer's text had before the team decided; still accepted.
    findings: CleanLongText = Field(
        min_length=1,
        max_length=5000,
        pattern=NONBLANK,
        validation_alias=AliasChoices("findings", "finding"),
    )


class DecisionIn(BaseModel):
    outcome: Literal["upheld", "dismissed"]
    reason: CleanLongText = Field(min_length=1, max_length=5000, pattern=NONBLANK)


class TeamObjectionIn(BaseModel):
    source: Literal["phone", "letter", "visit", "web"]
    content: CleanLongText = Field(min_length=1, max_length=5000, pattern=NONBLANK)
    received_on: date
    reporter_name: CleanText | None = Field(default=None, max_length=100)
    contact: CleanText | None = Field(default=None, max_length=200)
    unit_stamp: CleanText | None = Field(default=None, max_length=200)


class InvestigationOut(BaseModel):
    objection: ObjectionOut
    nomination_id: int
    nominee: str
    unit: str
    campaign: str
    received_on: date
    answer_due_at: datetime | None
    answer_due_beijing: str | None  # in words, the request's language: 12月15日24时（北京时间）
    status: str
    overdue: bool


def objection_out(o: ObjectionView) -> ObjectionOut:
    """An objection; who raised it is already masked for all but the working team and admins."""
    return ObjectionOut(
        id=o.id,
        nomination_id=o.nomination_id,
        source=o.source,
        reporter_name=o.reporter_name,
        contact=o.contact,
        unit_stamp=o.unit_stamp,
        received_on=o.received_on,
        content=o.content,
        status=o.status,
        finding=o.finding,
        answer_due_at=o.answer_due_at,
        resolved_at=o.resolved_at,
        answer=o.answer,
        answered_at=o.answered_at,
        answered_by=o.answered_by,
        decision_reason=o.decision_reason,
        decided_by=o.decided_by,
        reference=o.reference,
    )


@router.get("/notice/{campaign_code}", response_model=NoticeOut)
def notice(campaign_code: str, uow: Uow) -> NoticeOut:
    """The nominees under public notice: public fields only; no login needed."""
    campaign = notice_campaign(uow, campaign_code)
    entries = [PublicEntryOut(**vars(e)) for e in public_notice(uow, campaign)]
    return NoticeOut(
        campaign=campaign.code, title=campaign.title, honour=campaign.honour, entries=entries
    )


@router.get("/notice/{campaign_code}/challenge", response_model=ChallengeOut)
def challenge(campaign_code: str, request: Request, now: Now) -> ChallengeOut:
    """A question to answer with the next objection (good once, for a limited time)."""
    issued = challenges.issue(request.app.state.limiter, campaign_code, now)
    question = issued.question.render(request_locale(request))
    return ChallengeOut(challenge=issued.token, question=question, expires_at=issued.expires_at)


@router.post("/notice/{campaign_code}/objections", response_model=ReceivedOut, status_code=201)
def raise_objection(
    campaign_code: str, body: PublicObjectionIn, request: Request, uow: Uow, now: Now
) -> ReceivedOut:
    """Object to a nominee under notice, with your real name and contact; no login needed."""
    proof, limiter = (body.challenge, body.answer), request.app.state.limiter
    challenges.admit(limiter, campaign_code, client_ip(request), body.nomination_id, proof, now)
    campaign = notice_campaign(uow, campaign_code)
    if body.nomination_id not in {e.nomination_id for e in public_notice(uow, campaign)}:
        raise NotFound(
            msg("error.web.not_under_notice", id=body.nomination_id, campaign=campaign.title)
        )
    data = objections.ObjectionInput(
        source="web",
        content=body.content,
        received_on=now.astimezone(SHANGHAI).date(),
        reporter_name=body.reporter_name,
        contact=body.contact,
    )
    row = objections.record_objection(uow, body.nomination_id, data, PUBLIC, now)
    office = office_of(campaign, request_locale(request))
    reference = str(row.reference)
    follow = render(follow_up(office, reference), request_locale(request))
    return ReceivedOut(
        id=row.id, received_on=row.received_on, reference=reference, follow=follow,
        office_phone=office.phone, office_email=office.email,
    )  # fmt: skip


@router.get("/nominations/{nomination_id}/objections", response_model=list[ObjectionOut])
def list_objections(
    nomination_id: int, uow: Uow, actor: CurrentActor, now: Now
) -> list[ObjectionOut]:
    """The objections to a nomination you may see."""
    return [objection_out(o) for o in read.objections_of(uow, actor, nomination_id, now)]


@router.post(
    "/nominations/{nomination_id}/objections", response_model=ObjectionOut, status_code=201
)
def record(
    nomination_id: int, body: TeamObjectionIn, uow: Uow, actor: CurrentActor, now: Now
) -> ObjectionOut:
    """The working team records an objection received by phone, letter, visit or web."""
    data = objections.ObjectionInput(**body.model_dump())
    row = objections.record_for_team(uow, actor, nomination_id, data, now)
    return objection_out(read.objection_view(row, actor))


@router.get("/objections", response_model=list[InvestigationOut])
def investigations(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    now: Now,
    status: Literal["open", "answered", "upheld", "dismissed", "lapsed"] | None = None,
    campaign: str | None = Query(default=None, max_length=40),
) -> list[InvestigationOut]:
    """The working team's investigations: undecided ones (or one status), soonest due first."""
    rows = read.investigations(uow, actor, now, status=status, campaign=campaign)
    locale = request_locale(request)
    return [
        InvestigationOut(
            objection=objection_out(i.objection),
            nomination_id=i.nomination_id,
            nominee=i.nominee,
            unit=i.unit,
            campaign=i.campaign,
            received_on=i.objection.received_on,
            answer_due_at=i.objection.answer_due_at,
            answer_due_beijing=deadline_text(i.objection.answer_due_at, locale),
            status=i.objection.status,
            overdue=i.overdue,
        )
        for i in rows
    ]


@router.post("/objections/{objection_id}/answer", response_model=ObjectionOut)
def answer(
    objection_id: int, body: AnswerIn, uow: Uow, actor: CurrentActor, now: Now
) -> ObjectionOut:
    """The nominee's unit answers with its findings (files: `/objections/{id}/attachments`)."""
    row = objections.answer_objection(uow, objection_id, body.findings, actor, now)
    return objection_out(read.objection_view(row, actor))


@router.post("/objections/{objection_id}/decision", response_model=ObjectionOut)
def decide(
    objection_id: int, body: DecisionIn, uow: Uow, actor: CurrentActor, now: Now
) -> ObjectionOut:
    """The working team decides an answered objection: upheld removes the nominee."""
    row = objections.decide_objection(uow, objection_id, body.outcome, body.reason, actor, now)
    return objection_out(read.objection_view(row, actor))


def deadline_text(due: datetime | None, locale: str) -> str | None:
    """A deadline as people read it, in the request's language (None for none)."""
    return render(deadline(due), locale) if due else None
