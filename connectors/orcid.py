"""ORCID public API v3.0: the employment records on a researcher's public profile.

ORCID answers XML unless asked for JSON, so every call sends ``Accept: application/vnd.orcid+json``
and any answer that is not JSON is a ``MalformedResponse``: a misconfigured proxy or a dropped
header must fail loudly, never look like "this person lists no employers". The iD's check
character (ISO 7064 MOD 11-2) is verified before any call, because a mistyped iD can belong to
somebody else and must not be looked up.
"""

from __future__ import annotations

import re
from typing import Any

from connectors.http import MalformedResponse, RestClient, endpoint_of

ORCID_PUBLIC_API = "https://pub.orcid.org/v3.0"
ORCID_JSON = "application/vnd.orcid+json"
# ORCID documents 24 req/s with a burst of 40 for the public API (12 req/s for anonymous use);
# stay at the conservative end so parallel mapped tasks do not trip the limit together.
RATE_LIMIT = (12, 1.0)

_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[0-9X])$")
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.|sandbox\.)?orcid\.org/", re.IGNORECASE)


class InvalidOrcid(ValueError):
    """The value is not an ORCID iD (wrong shape or wrong check character). Safe to log: no value inside."""


def orcid_check_character(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits ("X" stands for 10)."""
    total = 0
    for ch in base_digits:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """``0000-0002-1825-0097`` from the ways candidates write it (URL, no hyphens, lower-case x).

    Raises ``InvalidOrcid`` when the shape or the check character is wrong.
    """
    text = _URL_PREFIX.sub("", (value or "").strip()).strip("/").upper()
    m = _ORCID.match(text)
    if not m:
        raise InvalidOrcid("not an ORCID iD: expected 16 characters as 0000-0000-0000-000X")
    digits = "".join(m.groups())
    if orcid_check_character(digits[:15]) != digits[15]:
        raise InvalidOrcid("ORCID iD check character does not match (ISO 7064 MOD 11-2)")
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def is_valid_orcid(value: str) -> bool:
    try:
        normalise_orcid(value)
    except InvalidOrcid:
        return False
    return True


class OrcidClient(RestClient):
    """Reads public employment records; no credentials (the public API's read needs none)."""

    source = "orcid"
    accept = ORCID_JSON  # an instance may override it; anything but JSON then fails loudly

    def __init__(self, host: str | None = None, **kw: Any):
        kw.setdefault("rate_limit", RATE_LIMIT)
        super().__init__(host or ORCID_PUBLIC_API, **kw)

    def employments(self, orcid_id: str) -> dict[str, Any]:
        """The raw ``/{orcid}/employments`` answer: ``{"affiliation-group": [{"summaries": [...]}], ...}``."""
        oid = normalise_orcid(orcid_id)
        path = f"{oid}/employments"
        body = self.get_json(path, headers={"Accept": self.accept})
        if not isinstance(body, dict) or not isinstance(body.get("affiliation-group"), list):
            raise MalformedResponse(self.source, endpoint_of(self.url(path)),
                                    "employments answer has no 'affiliation-group' list")
        return body

    def record_url(self, orcid_id: str, put_code: int | str) -> str:
        """The API address of one employment item: evidence a reviewer can open."""
        return self.url(f"{normalise_orcid(orcid_id)}/employment/{put_code}")
