"""Months as integers, date strings as people and sources write them, and checksummed identifiers.

A month is ``year * 12 + (month - 1)``: timelines are built and checked at month precision, as
docs/KINDS.md compares them.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta

MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def month_of(d: date) -> int:
    return d.year * 12 + d.month - 1


def year(m: int) -> int:
    return m // 12


def month_num(m: int) -> int:
    return m % 12 + 1


def ym(m: int) -> str:
    return f"{year(m):04d}-{month_num(m):02d}"


def ymd(m: int, day: int) -> str:
    return f"{ym(m)}-{day:02d}"


def linkedin_month(m: int) -> str:
    return f"{MONTH_ABBR[m % 12]} {year(m)}"


def timestamp(day: date, rng: random.Random) -> str:
    """An ISO 8601 UTC timestamp on ``day`` at a random working-hours time."""
    t = datetime(day.year, day.month, day.day, tzinfo=UTC)
    t += timedelta(hours=rng.randint(7, 19), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def day_between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def rand_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def orcid_check_digit(base15: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for ch in base15:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_is_valid(orcid: str) -> bool:
    digits = orcid.replace("-", "")
    return len(digits) == 16 and digits[:15].isdigit() and orcid_check_digit(digits[:15]) == digits[15]


def new_orcid(rng: random.Random) -> str:
    base = f"0000000{rng.randint(1, 3)}{rng.randint(0, 99999999):08d}"[:15]
    digits = base + orcid_check_digit(base)
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def _lei_number(s: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in s))


def new_lei(rng: random.Random, prefix: str) -> str:
    """A 20-character LEI whose last two digits are its ISO 17442 (MOD 97-10) check digits."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    body = prefix + "00" + "".join(rng.choice(alphabet) for _ in range(12))
    check = 98 - _lei_number(body + "00") % 97
    return f"{body}{check:02d}"


def lei_is_valid(lei: str) -> bool:
    return len(lei) == 20 and _lei_number(lei) % 97 == 1


def ascii_fold(text: str) -> str:
    special = {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe"}
    text = "".join(special.get(ch, ch) for ch in text)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
