"""The review feed (docs/CONTRACT.md) in the sandbox: ``GET /reviews?employer=<name>&since=<YYYY-MM-DD>``.

Answers ``{"reviews": [...], "next": <absolute url or null>}``, newest first, ``PAGE_SIZE`` a page.
The employer matches case-insensitively or by its normalised name ("Example Robotics" finds
"EXAMPLE ROBOTICS LTD"). Reviews are served as the world holds them, malformed ones included, so
that ingest's quarantine is exercised. The API key is required: ``Authorization: Bearer <key>``.

``employer_response`` is served as the world holds it; a well-formed negative review (rating 2 or lower)
without one gets one derived from its id, so the demo shows every case of the 24-hour response deadline:
answered within hours, answered days late, or not answered (``null``).
"""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from include.engine.names import normalise_company
from sandbox import credentials
from sandbox.server import SandboxRequest, SandboxResponse, error, json_response

PAGE_SIZE = 20
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _matches(wanted: str, wanted_norm: str, employer: Any) -> bool:
    if not isinstance(employer, str):
        return False
    if employer.strip().casefold() == wanted.strip().casefold():
        return True
    return bool(wanted_norm) and normalise_company(employer) == wanted_norm


class _ByEmployer:
    """The reviews grouped by the two keys ``_matches`` compares, so a request reads only its employer's."""

    def __init__(self, reviews: list[Any]):
        self.reviews = reviews
        self.by_folded: dict[str, list[int]] = {}
        self.by_normalised: dict[str, list[int]] = {}
        for i, r in enumerate(reviews):
            employer = r.get("employer") if isinstance(r, dict) else None
            if isinstance(employer, str):
                self.by_folded.setdefault(employer.strip().casefold(), []).append(i)
                self.by_normalised.setdefault(normalise_company(employer), []).append(i)

    def candidates(self, wanted: str, wanted_norm: str) -> list[Any]:
        """The reviews that may match, in the feed's order (``_matches`` still decides)."""
        found = set(self.by_folded.get(wanted.strip().casefold(), ()))
        if wanted_norm:
            found.update(self.by_normalised.get(wanted_norm, ()))
        return [self.reviews[i] for i in sorted(found)]


def _on_or_after(review: dict[str, Any], since: str | None) -> bool:
    d = review.get("date")
    if since is None or not isinstance(d, str) or not _DAY.match(d):
        return True  # what the feed cannot compare it passes on; ingest quarantines bad dates
    return d >= since


def handle(req: SandboxRequest) -> SandboxResponse:
    scheme, _, key = (req.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or key.strip() != credentials.REVIEWS_API_KEY:
        return error(401, "missing or invalid API key: send Authorization: Bearer <key>")
    if req.path.rstrip("/") != "/reviews" or req.method not in ("GET", "HEAD"):
        return error(404, "not found")
    employer, since, page_arg = req.arg("employer"), req.arg("since"), req.arg("page", "1")
    if not employer or not employer.strip():
        return error(400, "employer is required")
    if since is not None and not _DAY.match(since):
        return error(400, "since must be YYYY-MM-DD")
    if not (page_arg or "").isdigit() or int(page_arg or "0") < 1:
        return error(400, "page must be a positive integer")
    page = int(page_arg or "1")
    wanted_norm = normalise_company(employer)
    reviews = req.world.data.get("reviews") or []
    index = req.world.index("reviews.by_employer", reviews, lambda: _ByEmployer(reviews))
    candidates = index.candidates(employer, wanted_norm) if index is not None else reviews
    found = [r for r in candidates
             if isinstance(r, dict) and _matches(employer, wanted_norm, r.get("employer")) and _on_or_after(r, since)]
    found.sort(key=lambda r: (str(r.get("date") or ""), str(r.get("review_id") or "")), reverse=True)
    chunk = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    nxt = None
    if page * PAGE_SIZE < len(found):
        query = {"employer": employer, **({"since": since} if since else {}), "page": page + 1}
        nxt = f"{req.base_url}/reviews?{urlencode(query)}"
    return json_response({"reviews": [_with_response(r) for r in chunk], "next": nxt})


def _with_response(review: dict[str, Any]) -> dict[str, Any]:
    if "employer_response" in review:
        return review
    rating, day = review.get("rating"), str(review.get("date") or "")
    if type(rating) is not int or rating > 2 or not _DAY.match(day):
        return {**review, "employer_response": None}
    try:
        posted = date.fromisoformat(day)
    except ValueError:
        return {**review, "employer_response": None}
    case = zlib.crc32(str(review.get("review_id")).encode()) % 3
    if case == 0:
        return {**review, "employer_response": None}
    answered = posted + timedelta(days=1 if case == 1 else 4)
    return {**review, "employer_response": {
        "responded_at": f"{answered.isoformat()}T09:30:00Z",
        "text": "Thank you for the feedback; we have shared it with the team and would like to talk to you.",
    }}
