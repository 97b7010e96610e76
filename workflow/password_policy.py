"""What a password must be: long enough and not one of the first a guesser tries."""

from __future__ import annotations

import re

from config.catalogue import Message, msg

MIN_LENGTH = 12
# The words lists of leaked passwords start with, once digits and symbols are taken off
# ("Password123!" is "password"), and keyboard runs.
COMMON = frozenset(
    {
        "password", "passwd", "passw", "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl",
        "zxcvbn", "zxcvbnm", "qazwsx", "abc", "abcdef", "abcdefg", "admin", "administrator",
        "letmein", "welcome", "iloveyou", "monkey", "dragon", "sunshine", "princess", "login",
        "master", "secret", "changeme", "default", "test", "guest", "root", "user",
        "honorflow", "laomo", "woaini", "aini", "wangwei", "zhangwei", "china",
    }
)  # fmt: skip
_NOT_LETTERS = re.compile(r"[^a-z]+")


def password_problems(password: str, username: str = "") -> list[Message]:
    """Every reason a password is refused (none: it may be used)."""
    found: list[Message] = []
    if len(password) < MIN_LENGTH:
        found.append(msg("user_problem.password_short", n=MIN_LENGTH))
    if password.isdigit():
        found.append(msg("user_problem.password_digits"))
    elif _is_common(password, username):
        found.append(msg("user_problem.password_common"))
    return found


def _is_common(password: str, username: str) -> bool:
    folded = password.casefold()
    letters = _NOT_LETTERS.sub("", folded)
    name = username.strip().casefold()
    return (
        letters in COMMON
        or len(set(folded)) <= 2  # "aaaaaaaaaaaa", "abababababab"
        or (len(name) >= 3 and name in folded)
    )
