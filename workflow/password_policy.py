"""What a password must be: long enough, and hard to guess by a well-kept estimator (zxcvbn).

One rule for every role: 12 characters at least (every account reads nominees' personal
data, not only administrators') and a zxcvbn score of 3 or more out of 4, with the username,
the display name and this system's own words counted as guessable. The estimator's reasons
are English; the longest pattern it found is turned into a catalogue entry instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from config.catalogue import Message, msg

MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn: 0 (too guessable) … 4 (very unguessable)
# zxcvbn refuses longer input; a longer password is judged by its first 72 characters.
_ESTIMATED_CHARS = 72
# Words a guesser tries first against this system, which zxcvbn's lists do not hold (not
# the product name itself: the demo accounts' password, honorflow-demo, is built on it).
SITE_WORDS = ("laomo", "laodongmofan", "woaini", "jiangxi", "gonghui", "zhigong")
# The estimator's pattern (or dictionary) of its longest match -> the reason shown.
_REASONS = {
    "passwords": "user_problem.password_reason.common",
    "user_inputs": "user_problem.password_reason.personal",
    "spatial": "user_problem.password_reason.keyboard",
    "repeat": "user_problem.password_reason.repeat",
    "sequence": "user_problem.password_reason.sequence",
    "regex": "user_problem.password_reason.date",
    "date": "user_problem.password_reason.date",
    "dictionary": "user_problem.password_reason.word",
}


def password_problems(password: str, username: str = "", display_name: str = "") -> list[Message]:
    """Every reason a password is refused (none: it may be used)."""
    found: list[Message] = []
    if len(password) < MIN_LENGTH:
        found.append(msg("user_problem.password_short", n=MIN_LENGTH))
    if password.isdigit():
        found.append(msg("user_problem.password_digits"))
    elif _contains_name(password, (username, display_name)):
        found.append(msg("user_problem.password_personal"))
    else:
        weak = strength_problem(password, (username, display_name))
        if weak is not None:
            found.append(weak)
    return found


def strength_problem(password: str, user_inputs: Sequence[str] = ()) -> Message | None:
    """The estimator's verdict as a catalogue message with its score, or None when strong."""
    # Imported when first needed: its word lists hold about 11 MiB, which every command and
    # worker carried although only setting a password reads them.
    from zxcvbn import zxcvbn

    inputs = [s for s in (*user_inputs, *SITE_WORDS) if s.strip()]
    result = zxcvbn(password[:_ESTIMATED_CHARS], user_inputs=inputs)
    score = int(result["score"])
    if score >= MIN_SCORE:
        return None
    reason = msg(_reason_code(result["sequence"]))
    return msg("user_problem.password_weak", score=score, needed=MIN_SCORE, reason=reason)


def _reason_code(sequence: Sequence[dict[str, Any]]) -> str:
    # zxcvbn's own feedback speaks of the longest match; so does this.
    if not sequence:
        return "user_problem.password_reason.short"
    longest = max(sequence, key=lambda m: len(str(m.get("token", ""))))
    pattern = str(longest.get("pattern", ""))
    if pattern == "dictionary":
        return _REASONS.get(str(longest.get("dictionary_name")), _REASONS["dictionary"])
    return _REASONS.get(pattern, "user_problem.password_reason.short")


def _contains_name(password: str, names: Sequence[str]) -> bool:
    # zxcvbn scores "zhangsan-2026-pw" high although the username is in it: refused here.
    folded = password.casefold()
    return any(len(n.strip()) >= 3 and n.strip().casefold() in folded for n in names)
