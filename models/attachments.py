"""Files kept as evidence: a nomination's forms and deeds, an objector's letter, a unit's report.

The content lives in an attachment store (`workflow.attachments.store`) under its SHA-256;
the row says whose it is, what it is and who added it. Rows are never updated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# Whose file it is: the nomination's own material, an objection as received (the objector's
# letter: it may name the objector), or the recommending unit's answer to an objection.
OWNER_NOMINATION, OWNER_OBJECTION, OWNER_ANSWER = "nomination", "objection", "answer"


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(20))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objections.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by: Mapped[str] = mapped_column(String(100))
