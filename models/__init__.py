"""Persistence: SQLAlchemy models, engine, unit of work and migrations."""

from models.attachments import Attachment
from models.audit import AuditEvent, AuditHead
from models.base import Base
from models.campaigns import PHASES, Campaign, QuotaAllocation, RecommendingUnit
from models.decisions import DecisionOutcome
from models.definitions import DefinitionVersion
from models.nominations import Nomination
from models.place_tally import PlaceTally
from models.registry import CalendarOverride, CalendarYear, HonourRecord
from models.reviews import Objection, ReviewTask
from models.scheduling import Deadline, OutboxMessage, TemplateOverride
from models.users import ApiToken, ConflictDeclaration, User, WebSession

__all__ = [
    "PHASES",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CalendarOverride",
    "CalendarYear",
    "Campaign",
    "ConflictDeclaration",
    "Deadline",
    "DecisionOutcome",
    "DefinitionVersion",
    "HonourRecord",
    "Nomination",
    "Objection",
    "OutboxMessage",
    "PlaceTally",
    "QuotaAllocation",
    "RecommendingUnit",
    "ReviewTask",
    "TemplateOverride",
    "User",
    "WebSession",
]
