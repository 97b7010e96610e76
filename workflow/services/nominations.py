"""Creating nominations: one by one, or a whole form import that is all-or-nothing."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import or_, select

from config.catalogue import Label, Message, msg
from models import Campaign, Nomination, RecommendingUnit
from models.uow import UnitOfWork
from workflow import audit
from workflow import nominee_checks as checks
from workflow.access.visibility import ensure_visible
from workflow.actors import Actor, require_role
from workflow.definition import Definition
from workflow.errors import (
    ImportFailed,
    InvalidInput,
    InvalidState,
    NotFound,
    PermissionDenied,
    RowError,
)
from workflow.facts import NomineeFacts, facts_to_json
from workflow.honour_titles import title_for
from workflow.importing import ImportedNomination, read_nominations
from workflow.lifecycles import campaign_phase
from workflow.repository import commit, lock_nomination
from workflow.rules.submission_window import require_window, window_refusal
from workflow.services.campaigns import get_campaign
from workflow.services.definitions import definition_of
from workflow.vocabulary import unknown_code
from workflow.vocabulary_spec import implied


def add_nomination(
    uow: UnitOfWork,
    campaign: Campaign,
    unit: RecommendingUnit,
    entry: ImportedNomination,
    actor: Actor,
    now: datetime,
) -> Nomination:
    """A draft nomination pinned to the campaign's definition version (no commit)."""
    campaign_phase.require(campaign, "nominate")
    definition = definition_of(campaign.definition)
    facts = _as_defined(replace(entry.facts, recommending_unit=unit.name), definition)
    nomination = Nomination(
        campaign_id=campaign.id,
        unit_id=unit.id,
        definition_id=campaign.definition_id,
        status="draft",
        rank=entry.rank,
        alternate_order=entry.alternate_order,
        name=facts.name,
        gender=facts.gender,
        birth_date=facts.birth_date,
        category=facts.category,
        employer=facts.employer,
        employer_type=facts.employer_type,
        honour=title_for(
            definition, facts, entry.honor, campaign.honour, on=campaign.reference_date
        ),
        facts=facts_to_json(facts),
        summary=entry.summary,
        deeds=entry.deeds,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(nomination)
    uow.session.flush()
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger="create",
            campaign_id=campaign.id,
            nomination_id=nomination.id,
            to_state="draft",
            payload={"rank": entry.rank, "alternate_order": entry.alternate_order},
        ),
    )
    return nomination


def create_nomination(
    uow: UnitOfWork,
    campaign_id: int,
    unit_code: str,
    entry: ImportedNomination,
    actor: Actor,
    now: datetime,
) -> Nomination:
    """One draft nomination, by a clerk of its unit or an administrator."""
    require_role(actor, "unit_clerk")
    if actor.role == "unit_clerk" and actor.unit_code != unit_code:
        raise PermissionDenied(msg("error.nominate_own_unit"))
    campaign = get_campaign(uow, campaign_id)
    require_window(campaign, "nominate", now)
    require_plausible_dates(entry, campaign.reference_date)
    unit = uow.session.scalars(
        select(RecommendingUnit).where(RecommendingUnit.code == unit_code)
    ).one_or_none()
    if unit is None:
        raise NotFound(msg("error.unit_not_found"))
    nomination = add_nomination(uow, campaign, unit, entry, actor, now)
    commit(uow)
    return nomination


def import_nominations(
    uow: UnitOfWork, campaign_id: int, path: Path, actor: Actor, now: datetime
) -> list[int]:
    """Import a form file into draft nominations; any bad row refuses the whole file."""
    require_role(actor, "unit_clerk")
    campaign = get_campaign(uow, campaign_id)
    # Before the file is read: after the deadline no row of it could be taken.
    require_window(campaign, "import", now)
    vocabularies = definition_of(campaign.definition).vocabularies
    entries = read_nominations(path, unit_keys(uow), campaign.reference_date, vocabularies)
    units = resolve_units(uow, path.name, entries)
    errors = [
        RowError(path.name, e.row, "recommending_unit", msg("import.own_unit_only"))
        for e in entries
        if actor.role == "unit_clerk" and units[e.facts.recommending_unit].code != actor.unit_code
    ]
    if errors:
        raise ImportFailed(errors)
    ids = [
        add_nomination(uow, campaign, units[e.facts.recommending_unit], e, actor, now).id
        for e in entries
    ]
    commit(uow)
    return ids


def require_plausible_dates(entry: ImportedNomination, reference: date) -> None:
    """Refuse a birth date or notice date the import would refuse for this campaign (the
    first, at its field: `nominee.birth_date`)."""
    for field, problem in checks.date_problems(asdict(entry.facts), reference):
        raise InvalidInput(f"nominee.{field}", problem)


def unit_keys(uow: UnitOfWork) -> set[str]:
    """Every name and code a form may use for a recommending unit."""
    rows = uow.session.execute(select(RecommendingUnit.name, RecommendingUnit.code))
    return {key for row in rows for key in row}


def resolve_units(
    uow: UnitOfWork, file_name: str, entries: list[ImportedNomination]
) -> dict[str, RecommendingUnit]:
    """Map the form's unit names (or codes) to units; unknown ones are row errors."""
    names = {e.facts.recommending_unit for e in entries}
    found = uow.session.scalars(
        select(RecommendingUnit).where(
            or_(RecommendingUnit.name.in_(names), RecommendingUnit.code.in_(names))
        )
    ).all()
    by_key = {u.name: u for u in found} | {u.code: u for u in found}
    errors = [
        RowError(
            file_name,
            e.row,
            "recommending_unit",
            msg("import.unknown_unit", unit=e.facts.recommending_unit),
        )
        for e in entries
        if e.facts.recommending_unit not in by_key
    ]
    if errors:
        raise ImportFailed(errors)
    return {name: by_key[name] for name in names}


def ensure_unit_clerk_of(actor: Actor, nomination: Nomination) -> None:
    """Refuse a clerk acting for another unit's nomination."""
    if actor.role == "unit_clerk" and actor.unit_code != nomination.unit.code:
        raise PermissionDenied(msg("error.not_unit_clerk", unit=nomination.unit.name))


# The nomination's own columns a correction may change, beside its facts.
_OWN_FIELDS = ("rank", "alternate_order", "honour", "summary", "deeds")


def update_nomination(
    uow: UnitOfWork,
    actor: Actor,
    nomination_id: int,
    entry: ImportedNomination,
    now: datetime,
    expected_version: int | None = None,
) -> Nomination:
    """Correct a draft, or a nomination returned to its unit; audited with the fields changed.

    A draft is corrected while the campaign takes nominations and its deadline has not
    passed; a returned one until it is answered, as its return has a deadline of its own.
    """
    require_role(actor, "unit_clerk")
    ensure_visible(uow, actor, nomination_id)  # another unit's nomination does not exist here
    nomination = lock_nomination(uow, nomination_id, expected_version)
    refused = correction_refusal(nomination, now)
    if refused is not None:
        raise InvalidState(refused)
    require_plausible_dates(entry, nomination.campaign.reference_date)
    changed = _apply(nomination, entry)
    if changed:
        nomination.updated_at = now
        audit.append(
            uow,
            now,
            audit.AuditEntry.by(
                actor,
                trigger="nomination_corrected",
                campaign_id=nomination.campaign_id,
                nomination_id=nomination.id,
                # Field names only: identity numbers, phones and birth dates never reach the log.
                payload={"fields": changed},
            ),
        )
    commit(uow)
    return nomination


def correctable(status: str) -> bool:
    """Whether a nomination in this state is still the unit's to correct (draft, returned)."""
    return status == "draft" or status.endswith("_returned")


def correction_refusal(nomination: Nomination, now: datetime) -> Message | None:
    """Why this nomination cannot be corrected now (its state, the phase, the deadline)."""
    returned = nomination.status.endswith("_returned")
    if not correctable(nomination.status):
        return msg("error.correct_not_open", state=Label("state", nomination.status))
    if returned:
        refused = campaign_phase.refusal(nomination.campaign, "nominate")
    else:
        refused = window_refusal(nomination.campaign, "nominate", now)
    return None if refused is None else refused.message


def _as_defined(facts: NomineeFacts, definition: Definition) -> NomineeFacts:
    """The facts held to the definition: codes its vocabularies know (InvalidInput naming the
    field otherwise), with the values its codes imply (`implies:`) filled in."""
    unknown = unknown_code(definition.vocabularies, asdict(facts))
    if unknown is not None:
        field, problem = unknown
        raise InvalidInput(f"nominee.{field}", problem)
    return implied(definition.implies, facts)


def _apply(nomination: Nomination, entry: ImportedNomination) -> list[str]:
    """Write the entry over the nomination; the names of the fields that changed."""
    definition = definition_of(nomination.definition)
    new = _as_defined(replace(entry.facts, recommending_unit=nomination.unit.name), definition)
    facts = facts_to_json(new)
    old = dict(nomination.facts)
    if not facts.get("extra"):  # facts no form has a field for are kept
        facts["extra"] = old.get("extra") or {}
    changed = sorted(k for k in facts.keys() | old.keys() if facts.get(k) != old.get(k))
    wanted = {
        "rank": entry.rank,
        "alternate_order": entry.alternate_order,
        "honour": title_for(
            definition,
            new,
            entry.honor,
            nomination.campaign.honour,
            on=nomination.campaign.reference_date,
        ),
        "summary": entry.summary,
        "deeds": entry.deeds,
    }
    changed += [k for k in _OWN_FIELDS if getattr(nomination, k) != wanted[k]]
    for key, value in wanted.items():
        setattr(nomination, key, value)
    nomination.facts = facts
    f = new
    nomination.name, nomination.gender, nomination.birth_date = f.name, f.gender, f.birth_date
    nomination.category, nomination.employer = f.category, f.employer
    nomination.employer_type = f.employer_type
    return changed
