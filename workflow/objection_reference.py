"""Objection reference numbers: what an objector quotes to follow their case.

The year the objection was received (Beijing time) and eight random characters from an
alphabet without look-alikes (no 0/O, 1/I): `2026-7KQ4M9XH`. Random, so that one reference
says nothing about any other objection (ids are sequential and would); stored on the row and
unique, so it never changes once given.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import select

from config.dates import local_day
from models import Objection
from models.uow import UnitOfWork

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
PATTERN = re.compile(rf"\d{{4}}-[{ALPHABET}]{{{LENGTH}}}")


def new_reference(uow: UnitOfWork, now: datetime) -> str:
    """A reference no stored objection has (about 2^40 codes per year: a clash is rare)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        reference = f"{local_day(now).year}-{code}"
        taken = uow.session.scalar(select(Objection.id).where(Objection.reference == reference))
        if taken is None:
            return reference
