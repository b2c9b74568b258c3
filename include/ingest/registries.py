"""Company-registry records become ``RegistryEntity`` here, and employer names are looked up, cached.

A registry lookup is slow (rate limits: 60 a minute at GLEIF) and its answer changes rarely, so every
answer is cached with an expiry: by normalised employer name (``name:<key>`` -> entity ids, an empty
list included, so a fabricated employer is not searched again every run) and by registry id
(``id:<registry id>`` -> the entity), so a company found under two spellings is fetched once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pydantic import ValidationError

from connectors.gleif import parent_reported
from connectors.http import NotFound
from include.engine.names import normalise_name
from include.models import IndustryCode, Registry, RegistryEntity, RegistryName

log = logging.getLogger("crosscheck.registries")

REGISTRIES: tuple[Registry, ...] = ("companies_house", "gleif", "opencorporates")
CH_API = "https://api.company-information.service.gov.uk"
CH_PAGE = "https://find-and-update.company-information.service.gov.uk/company/{number}"
GLEIF_API = "https://api.gleif.org/api/v1"
GLEIF_PAGE = "https://search.gleif.org/#/record/{lei}"
OC_API = "https://api.opencorporates.com/v0.4"
OC_PAGE = "https://opencorporates.com/companies/{jurisdiction}/{number}"
GLEIF_NAME_KINDS = {"PREVIOUS_LEGAL_NAME": "previous", "TRADING_OR_OPERATING_NAME": "trading"}


# ---- the cache -------------------------------------------------------------------------------

class RegistryCache(Protocol):
    """Lookup cache; the warehouse implements it on ``registry_lookups`` / ``registry_entities`` /
    ``registry_names``. ``query_key`` is ``name:<normalised name>`` or ``id:<registry id>``."""

    def get_query(self, registry: str, query_key: str) -> list[str] | None:
        """Entity ids, or None when missing or expired."""
        ...

    def put_query(self, registry: str, query_key: str, entity_ids: list[str], expires_at: datetime) -> None: ...

    def get_entity(self, entity_id: str) -> RegistryEntity | None: ...

    def put_entity(self, entity: RegistryEntity) -> None: ...


class InMemoryRegistryCache:
    """For tests and one-off scripts; ``clock`` decides expiry."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.clock = clock
        self.queries: dict[tuple[str, str], tuple[list[str], datetime]] = {}
        self.entities: dict[str, RegistryEntity] = {}

    def get_query(self, registry: str, query_key: str) -> list[str] | None:
        hit = self.queries.get((registry, query_key))
        if hit is None or hit[1] <= self.clock():
            return None
        return list(hit[0])

    def put_query(self, registry: str, query_key: str, entity_ids: list[str], expires_at: datetime) -> None:
        self.queries[(registry, query_key)] = (list(entity_ids), expires_at)

    def get_entity(self, entity_id: str) -> RegistryEntity | None:
        return self.entities.get(entity_id)

    def put_entity(self, entity: RegistryEntity) -> None:
        self.entities[entity.entity_id] = entity


# ---- raw -> RegistryEntity -------------------------------------------------------------------

def _names(pairs: Iterable[tuple[str | None, str, str | None]]) -> list[RegistryName]:
    out: list[RegistryName] = []
    seen: set[tuple[str, str]] = set()
    for name, kind, language in pairs:
        name = (name or "").strip()
        if name and (name, kind) not in seen:
            seen.add((name, kind))
            out.append(RegistryName(name=name, kind=kind, language=language or None))  # type: ignore[arg-type]
    if not out or out[0].kind != "legal":
        raise ValueError("record has no legal name")
    return out


def _date(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and value else None


def _public(api_base: str | None, default: str) -> bool:
    return api_base is None or api_base.rstrip("/") == default


def companies_house_entity(profile: Mapping[str, Any], api_base: str | None = None) -> RegistryEntity:
    """A ``GET /company/{number}`` profile. SIC codes are the 5-digit UK SIC 2007."""
    number = str(profile["company_number"])
    names = _names([(profile.get("company_name"), "legal", None),
                    *((p.get("name"), "previous", None) for p in profile.get("previous_company_names") or [])])
    return RegistryEntity(
        entity_id=f"companies_house:{number}", registry="companies_house", names=names,
        status=profile.get("company_status"), created=_date(profile.get("date_of_creation")),
        dissolved=_date(profile.get("date_of_cessation")), jurisdiction="GB",
        industry_codes=[IndustryCode(scheme="uk_sic_2007", code=str(c)) for c in profile.get("sic_codes") or []],
        record_url=CH_PAGE.format(number=number) if _public(api_base, CH_API)
        else f"{str(api_base).rstrip('/')}/company/{number}",
    )


def gleif_entity(record: Mapping[str, Any], parent_leis: Iterable[str] = (),
                 api_base: str | None = None) -> RegistryEntity:
    """A ``lei-records`` resource object; ``parent_leis`` are its direct and ultimate parents."""
    attrs = record.get("attributes") or {}
    lei = str(attrs.get("lei") or record["id"])
    entity = attrs.get("entity") or {}
    legal = entity.get("legalName") or {}
    names = _names([
        (legal.get("name"), "legal", legal.get("language")),
        *((n.get("name"), GLEIF_NAME_KINDS.get(n.get("type") or "", "other"), n.get("language"))
          for n in entity.get("otherNames") or []),
        *((n.get("name"), "transliterated", n.get("language")) for n in entity.get("transliteratedOtherNames") or []),
    ])
    parents = list(dict.fromkeys(f"gleif:{p}" for p in parent_leis if p and p != lei))
    return RegistryEntity(
        entity_id=f"gleif:{lei}", registry="gleif", names=names, status=entity.get("status"),
        created=_date(entity.get("creationDate")), dissolved=_date((entity.get("expiration") or {}).get("date")),
        jurisdiction=entity.get("jurisdiction"), parent_ids=parents,
        record_url=GLEIF_PAGE.format(lei=lei) if _public(api_base, GLEIF_API)
        else f"{str(api_base).rstrip('/')}/lei-records/{lei}",
    )


def _oc_code(code: Mapping[str, Any]) -> IndustryCode:
    scheme, value = str(code.get("code_scheme_id") or "unknown"), str(code["code"])
    if scheme == "uk_sic_2007":  # OpenCorporates writes UK SIC dotted ("26.11"); Companies House does not
        scheme = "uk_sic_dotted" if "." in value else "uk_sic_2007"
    return IndustryCode(scheme=scheme, code=value)


def opencorporates_entity(company: Mapping[str, Any], api_base: str | None = None) -> RegistryEntity:
    """A company object (search result or ``GET /companies/{jurisdiction}/{number}``)."""
    jurisdiction, number = str(company["jurisdiction_code"]), str(company["company_number"])
    names = _names([(company.get("name"), "legal", None),
                    *((p.get("company_name"), "previous", None) for p in company.get("previous_names") or []),
                    # OpenCorporates "alternative_names": trading names and other names the company uses
                    *((a.get("company_name"), "trading" if a.get("type") == "trading" else "other", a.get("language"))
                      for a in company.get("alternative_names") or [] if isinstance(a, dict))])
    codes = [_oc_code(c.get("industry_code") or {}) for c in company.get("industry_codes") or []]
    if _public(api_base, OC_API):
        url = company.get("opencorporates_url") or OC_PAGE.format(jurisdiction=jurisdiction, number=number)
    else:
        url = f"{str(api_base).rstrip('/')}/companies/{jurisdiction}/{number}"
    return RegistryEntity(
        entity_id=f"opencorporates:{jurisdiction}/{number}", registry="opencorporates", names=names,
        status=company.get("current_status"), created=_date(company.get("incorporation_date")),
        dissolved=_date(company.get("dissolution_date")), jurisdiction=jurisdiction.upper().replace("_", "-"),
        industry_codes=codes, record_url=url,
    )


# ---- lookups ---------------------------------------------------------------------------------

class _Lookup:
    """One registry's lookups within one call: the client, the cache and the expiry of new answers."""

    def __init__(self, registry: Registry, client: Any, cache: RegistryCache, expires: datetime, fresh: bool = False):
        self.registry, self.client, self.cache, self.expires = registry, client, cache, expires
        self.fresh = fresh  # fetch every entity again, whatever the cache holds (a disputed candidate's employer)
        self.api_base = str(getattr(client, "base_url", "")) or None

    def cached_entity(self, registry_id: str) -> RegistryEntity | None:
        ids = self.cache.get_query(self.registry, f"id:{registry_id}")
        return self.cache.get_entity(ids[0]) if ids else None

    def store(self, registry_id: str, entity: RegistryEntity) -> RegistryEntity:
        self.cache.put_entity(entity)
        self.cache.put_query(self.registry, f"id:{registry_id}", [entity.entity_id], self.expires)
        return entity

    def hits(self, name: str, max_hits: int) -> list[RegistryEntity]:
        if self.registry == "companies_house":
            raw = [(str(i["company_number"]), None) for i in self.client.search(name, limit=max_hits)
                   if i.get("company_number")]
        elif self.registry == "gleif":
            records = self.client.search_fulltext(name, limit=max_hits)
            raw = [(str(r["id"]), r) for r in records if r.get("id")]
            if not raw:  # fuzzy completions tolerate typos that whole-word filters miss
                leis = [c["lei"] for c in self.client.fuzzy_completions(name) if c.get("lei")]
                raw = [(lei, None) for lei in dict.fromkeys(leis)]
        else:
            raw = [(f"{c['jurisdiction_code']}/{c['company_number']}", c)
                   for c in self.client.search(name, limit=max_hits)
                   if c.get("jurisdiction_code") and c.get("company_number")]
        out = []
        for registry_id, hint in raw[:max_hits]:
            entity = self.resolve(registry_id, hint)
            if entity is not None:
                out.append(entity)
        return out

    def resolve(self, registry_id: str, hint: dict[str, Any] | None = None) -> RegistryEntity | None:
        """The entity for a registry id: from the cache, else fetched (and cached)."""
        cached = None if self.fresh else self.cached_entity(registry_id)
        if cached is not None and all(self.cache.get_entity(p) is not None for p in cached.parent_ids):
            return cached
        try:
            if self.registry == "companies_house":
                entity = companies_house_entity(self.client.company(registry_id), self.api_base)
            elif self.registry == "gleif":
                entity = self._gleif(hint or self.client.record(registry_id))
            else:
                if hint is not None and "industry_codes" in hint and "previous_names" in hint:
                    company = hint  # v0.4 search results carry the whole company object
                else:
                    company = self.client.company(*registry_id.split("/", 1))
                entity = opencorporates_entity(company, self.api_base)
        except NotFound:
            return None
        except (KeyError, TypeError, ValueError, ValidationError) as exc:  # ValidationError is a ValueError
            log.warning("%s record %s skipped: %s", self.registry, registry_id, type(exc).__name__)
            return None
        return self.store(registry_id, entity)

    def _gleif(self, record: dict[str, Any]) -> RegistryEntity:
        """The record and its reported parents, one level up (a parent's own parents are not followed)."""
        lei = str(record["id"])
        parents: list[str] = []
        for which, fetch in (("direct-parent", self.client.direct_parent),
                             ("ultimate-parent", self.client.ultimate_parent)):
            if parent_reported(record, which) is False:
                continue
            parent = fetch(lei)
            if parent is None or not parent.get("id") or parent["id"] in parents:
                continue
            parent_id = str(parent["id"])
            known = self.cache.get_entity(f"gleif:{parent_id}")
            if known is None or self.cached_entity(parent_id) is None:
                # keep what a full lookup of the parent once found about its own parents
                grandparents = [p.removeprefix("gleif:") for p in known.parent_ids] if known else []
                self.cache.put_entity(gleif_entity(parent, grandparents, self.api_base))
            parents.append(parent_id)
        return gleif_entity(record, parents, self.api_base)


def _from_cache(cache: RegistryCache, entity_ids: list[str]) -> list[RegistryEntity] | None:
    """Cached entities and their parents, or None when any is gone (then the lookup runs again)."""
    out: list[RegistryEntity] = []
    for entity_id in entity_ids:
        entity = cache.get_entity(entity_id)
        if entity is None:
            return None
        out.append(entity)
        for parent_id in entity.parent_ids:
            parent = cache.get_entity(parent_id)
            if parent is None:
                return None
            out.append(parent)
    return out


def _with_parents(cache: RegistryCache, hits: list[RegistryEntity]) -> list[RegistryEntity]:
    out = list(hits)
    for entity in hits:
        out.extend(p for pid in entity.parent_ids if (p := cache.get_entity(pid)) is not None)
    return out


def lookup_employer(name: str, clients: Mapping[str, Any], cache: RegistryCache, now: datetime,
                    ttl_days: int = 30, max_hits: int = 3, fresh: bool = False) -> list[RegistryEntity]:
    """Every entity the defined registries find for an employer name (the top ``max_hits`` of each,
    plus GLEIF parents), from the cache while fresh (``fresh``: asked again whatever the cache holds,
    for a disputed candidate's reinvestigation). Whether one of them *is* the employer is the
    resolver's decision (``include.engine.resolve``), not this function's."""
    key = normalise_name(name)
    if not key:
        return []
    expires = now + timedelta(days=ttl_days)
    found: dict[str, RegistryEntity] = {}
    for registry in REGISTRIES:
        client = clients.get(registry)
        if client is None:
            continue
        ids = None if fresh else cache.get_query(registry, f"name:{key}")
        entities = _from_cache(cache, ids) if ids is not None else None
        if entities is None:
            hits = _Lookup(registry, client, cache, expires, fresh).hits(name, max_hits)
            cache.put_query(registry, f"name:{key}", [e.entity_id for e in hits], expires)
            entities = _with_parents(cache, hits)
        for entity in entities:
            found.setdefault(entity.entity_id, entity)
    return list(found.values())


def lookup_registry_id(registry: Registry, registry_id: str, clients: Mapping[str, Any], cache: RegistryCache,
                       now: datetime, ttl_days: int = 30) -> list[RegistryEntity]:
    """A known company by its id (e.g. the hiring company's ``registry_ids``): the entity and, for
    GLEIF, its parents; empty when the registry has no client or does not know the id. Ids are a
    company number, an LEI, or ``<jurisdiction>/<number>`` for OpenCorporates."""
    client = clients.get(registry)
    if client is None:
        return []
    entity = _Lookup(registry, client, cache, now + timedelta(days=ttl_days)).resolve(registry_id)
    return _with_parents(cache, [entity]) if entity else []
