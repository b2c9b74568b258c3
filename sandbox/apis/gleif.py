"""GLEIF LEI API v1 (JSON:API), rendered from ``world.data["gleif"]`` under ``/api/v1``.

``/lei-records`` (``filter[fulltext]``, ``filter[entity.legalName]``, ``filter[lei]``, ``page[number]``,
``page[size]``), ``/lei-records/{lei}``, ``/lei-records/{lei}/direct-parent`` and ``/ultimate-parent``
(404 when no parent was reported, as the real API does), and ``/fuzzycompletions``. No key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from sandbox.apis._registry_search import SearchIndex, fuzzy, int_arg, search
from sandbox.server import SandboxRequest, SandboxResponse

PREFIX = "/api/v1/"
CONTENT_TYPE = "application/vnd.api+json"


def _json(body: Any, status: int = 200) -> SandboxResponse:
    return SandboxResponse(status, body, {}, CONTENT_TYPE)


def _not_found() -> SandboxResponse:
    return _json({"errors": [{"status": "404", "title": "Not Found"}]}, 404)


def _bad_request(detail: str) -> SandboxResponse:
    return _json({"errors": [{"status": "400", "title": "Bad Request", "detail": detail}]}, 400)


def handle(req: SandboxRequest) -> SandboxResponse:
    if not req.path.startswith(PREFIX):
        return _not_found()
    records = req.world.data.get("gleif", [])
    by_lei = _by_lei(req, records)
    api = req.base_url + PREFIX.rstrip("/")
    parts = [p for p in req.path[len(PREFIX):].split("/") if p]
    meta = {"goldenCopy": {"publishDate": f"{req.world.data.get('generated_for_day', '2026-01-01')}T08:00:00Z"}}
    if parts == ["lei-records"]:
        return _collection(req, records, api, meta, by_lei)
    if parts == ["fuzzycompletions"]:
        return _fuzzy(req, records, api)
    if len(parts) in (2, 3) and parts[0] == "lei-records":
        rec = by_lei.get(parts[1].upper())
        if rec is None:
            return _not_found()
        if len(parts) == 2:
            return _json({"meta": meta, "data": render(rec, api, by_lei)})
        if parts[2] in ("direct-parent", "ultimate-parent"):
            parent = by_lei.get(rec.get(parts[2].replace("-", "_")) or "")
            return _json({"meta": meta, "data": render(parent, api, by_lei)}) if parent else _not_found()
    return _not_found()


def _by_lei(req: SandboxRequest, records: list[dict[str, Any]]) -> dict[str, Any]:
    index = req.world.index("gleif.by_lei", records, lambda: {r["lei"]: r for r in records})
    return index if index is not None else {r["lei"]: r for r in records}


def _search(req: SandboxRequest, records: list[dict[str, Any]],
            names_of: Callable[[dict[str, Any]], list[str]]) -> SearchIndex | None:
    return req.world.index(f"gleif.search.{names_of.__name__}", records, lambda: SearchIndex(records, names_of))


def _legal_name(rec: dict[str, Any]) -> list[str]:
    return [rec["legal_name"]["name"]]


def _all_names(rec: dict[str, Any]) -> list[str]:
    return [rec["legal_name"]["name"], *(n["name"] for n in rec.get("other_names") or []),
            *(n["name"] for n in rec.get("transliterated_other_names") or [])]


def _collection(req: SandboxRequest, records: list[dict[str, Any]], api: str,
                meta: dict[str, Any], by_lei: dict[str, Any]) -> SandboxResponse:
    size = int_arg(req.arg("page[size]"), 10, 1, 200)
    number = int_arg(req.arg("page[number]"), 1, 1)
    start = (number - 1) * size
    text, names_of = req.arg("filter[fulltext]"), _all_names
    if text is None:
        text, names_of = req.arg("filter[entity.legalName]"), _legal_name
    hits: list[dict[str, Any]]
    if text is not None:
        index = _search(req, records, names_of)
        if index is not None:
            total, found = index.search_page(text or "", start, size)
            hits = [r for r, _ in found]
        else:  # a malformed world: the plain search fails as it always did
            hits = [r for r, _ in search(records, text or "", names_of)]
            total, hits = len(hits), hits[start:start + size]
    else:
        if req.arg("filter[lei]") is not None:
            hits = [by_lei[x] for x in (req.arg("filter[lei]") or "").upper().split(",") if x in by_lei]
        else:
            hits = records
        total, hits = len(hits), hits[start:start + size]
    last = max(1, math.ceil(total / size))
    page = hits

    def link(n: int) -> str:
        params = {k: v[0] for k, v in req.query.items() if not k.startswith("page[")}
        return f"{api}/lei-records?" + urlencode({**params, "page[number]": n, "page[size]": size})

    links = {"first": link(1), "last": link(last)}
    if number > 1:
        links["prev"] = link(min(number - 1, last))
    if number < last:
        links["next"] = link(number + 1)
    pagination = {"currentPage": number, "perPage": size, "from": start + 1 if page else None,
                  "to": start + len(page) if page else None, "total": total, "lastPage": last}
    return _json({"meta": {**meta, "pagination": pagination}, "links": links,
                  "data": [render(r, api, by_lei) for r in page]})


def _fuzzy(req: SandboxRequest, records: list[dict[str, Any]], api: str) -> SandboxResponse:
    field, q = req.arg("field"), (req.arg("q") or "").strip()
    if field not in ("entity.legalName", "fulltext") or not q:
        return _bad_request("field (entity.legalName or fulltext) and q are required")
    names_of = _all_names if field == "fulltext" else _legal_name
    index = _search(req, records, names_of)
    data = [{"type": "fuzzycompletions", "attributes": {"value": name},
             "relationships": {"lei-records": {"data": {"type": "lei-records", "id": r["lei"]},
                                               "links": {"related": f"{api}/lei-records/{r['lei']}"}}}}
            for r, name in (index.fuzzy(q) if index is not None else fuzzy(records, q, names_of))]
    return _json({"data": data})


def _parent_links(rec: dict[str, Any], which: str, self_url: str, by_lei: dict[str, Any]) -> dict[str, Any]:
    if rec.get(which.replace("-", "_")) in by_lei:
        return {"links": {"relationship-record": f"{self_url}/{which}-relationship",
                          "lei-record": f"{self_url}/{which}"}}
    return {"links": {"reporting-exception": f"{self_url}/{which}-reporting-exception"}}


def render(rec: dict[str, Any], api: str, by_lei: dict[str, Any]) -> dict[str, Any]:
    """One world record as a GLEIF ``lei-records`` resource object."""
    lei = rec["lei"]
    self_url = f"{api}/lei-records/{lei}"
    country = rec.get("headquarters_country") or (rec.get("jurisdiction") or "")[:2] or None
    address = {"language": rec["legal_name"].get("language"), "addressLines": [], "addressNumber": None,
               "addressNumberWithinBuilding": None, "mailRouting": None, "city": None, "region": None,
               "country": country, "postalCode": None}
    created = rec.get("creation_date")
    relationships: dict[str, Any] = {
        "managing-lou": {"links": {"related": f"{self_url}/managing-lou"}},
        "lei-issuer": {"links": {"related": f"{self_url}/lei-issuer"}},
        "field-modifications": {"links": {"related": f"{self_url}/field-modifications"}},
        "direct-parent": _parent_links(rec, "direct-parent", self_url, by_lei),
        "ultimate-parent": _parent_links(rec, "ultimate-parent", self_url, by_lei),
    }
    return {
        "type": "lei-records", "id": lei,
        "attributes": {
            "lei": lei,
            "entity": {
                "legalName": dict(rec["legal_name"]),
                "otherNames": [dict(n) for n in rec.get("other_names") or []],
                "transliteratedOtherNames": [dict(n) for n in rec.get("transliterated_other_names") or []],
                "legalAddress": address, "headquartersAddress": dict(address),
                "registeredAt": {"id": "RA888888", "other": None}, "registeredAs": None,
                "jurisdiction": rec.get("jurisdiction"), "category": "GENERAL",
                "legalForm": {"id": "8888", "other": rec.get("legal_form")},
                "associatedEntity": {"lei": None, "name": None}, "status": rec.get("status"),
                "expiration": {"date": None, "reason": None},
                "successorEntity": {"lei": None, "name": None}, "successorEntities": [],
                "creationDate": f"{created}T00:00:00Z" if created and len(created) == 10 else created,
                "subCategory": None, "otherAddresses": [], "eventGroups": [],
            },
            "registration": {
                "initialRegistrationDate": rec.get("last_update"), "lastUpdateDate": rec.get("last_update"),
                "status": rec.get("registration_status"), "nextRenewalDate": None,
                "managingLou": "EVK05KS7XY1DEII3R011", "corroborationLevel": "FULLY_CORROBORATED",
                "validatedAt": {"id": "RA888888", "other": None}, "validatedAs": None,
                "otherValidationAuthorities": [],
            },
            "bic": None, "mic": None, "ocid": None, "spglobal": [], "conformityFlag": "CONFORMING",
        },
        "relationships": relationships,
        "links": {"self": self_url},
    }
