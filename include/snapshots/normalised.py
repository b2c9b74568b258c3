"""Keep ``registry_names.normalized`` in step with ``normalise_company`` when the normaliser changes.

Bulk resolution joins on the stored normalised names, so a new normalisation rule (a legal form,
a canonical word) would silently turn exact hits into misses until every name is normalised again.
The normaliser's fingerprint (its output on a fixed set of probe names) is kept in
``warehouse_meta``; ``renormalise_if_stale`` recomputes every stored name when it differs.
"""

from __future__ import annotations

import hashlib

from include.engine.names import normalise_company
from include.warehouse import Warehouse
from include.warehouse.bulk import drop_temp_table, fill_temp_table

META_KEY = "registry_names.normaliser"
PAGE = 50_000
_PROBES = (
    "Halcyon Software Ltd.",
    "HALCYON SOFTWARE LIMITED",
    "The Acme Technologies Group Holdings plc",
    "Brightwater Engineering Services GmbH & Co. KG",
    "Northwind Associates LLP",
    "Acme International Corp.",
    "Société Générale S.A.",
    "深圳市华信科技有限公司",
    "華信科技股份有限公司",
    "Shenzhen Huaxin Keji Youxian Gongsi",
    "株式会社ハルシオン",
    "Kabushiki Kaisha Halcyon",
    "Quantix Solutions Global",
    "O'Brien & Sons Ltd",
    "Halcyon Management Services Ltd",
    "Blue Water Community Interest Company",
    "Müller Präzision AG",
    "ACME CO., LTD.",
    "A.B.C. Laboratories Inc",
    "Halcyon (UK) Limited",
    "@AcmeRoboticsLtd",
    "Ekol Lojistik San. ve Tic. Ltd. Şti.",
    "PT Bank Central Asia Tbk",
    "Comarch Sp. z o.o.",
    "Hitachi Construction Machinery Gdansk Plant",
)


def normaliser_fingerprint() -> str:
    return hashlib.sha256("\n".join(normalise_company(p) for p in _PROBES).encode()).hexdigest()[:16]


def stored_fingerprint(wh: Warehouse) -> str | None:
    rows = wh.query("SELECT value FROM warehouse_meta WHERE key = ?", [META_KEY])
    return str(rows[0]["value"]) if rows else None


def mark_current(wh: Warehouse) -> None:
    wh.upsert("warehouse_meta", [{"key": META_KEY, "value": normaliser_fingerprint()}], ["key"])


def renormalise(wh: Warehouse, page: int = PAGE) -> int:
    """Recompute every stored normalised name, a page at a time; returns how many changed."""
    changed = 0
    after: tuple[str, str, str] | None = None
    while True:
        where = "WHERE (entity_id, name, kind) > (?, ?, ?) " if after else ""
        rows = wh.query(
            f"SELECT entity_id, name, kind, normalized FROM registry_names {where}"
            f"ORDER BY entity_id, name, kind LIMIT {int(page)}",
            list(after) if after else [],
        )
        if not rows:
            break
        after = (rows[-1]["entity_id"], rows[-1]["name"], rows[-1]["kind"])
        fixes = [
            (r["entity_id"], r["name"], r["kind"], n)
            for r in rows
            if (n := normalise_company(r["name"])) != r["normalized"]
        ]
        if fixes:
            with wh.transaction():
                fill_temp_table(
                    wh,
                    "cc_renorm",
                    [("entity_id", "TEXT"), ("name", "TEXT"), ("kind", "TEXT"), ("normalized", "TEXT")],
                    fixes,
                )
                wh.execute(
                    "UPDATE registry_names SET normalized = (SELECT f.normalized FROM cc_renorm f WHERE "
                    "f.entity_id = registry_names.entity_id AND f.name = registry_names.name AND "
                    "f.kind = registry_names.kind) WHERE EXISTS (SELECT 1 FROM cc_renorm f WHERE "
                    "f.entity_id = registry_names.entity_id AND f.name = registry_names.name AND "
                    "f.kind = registry_names.kind)"
                )
                drop_temp_table(wh, "cc_renorm")
            changed += len(fixes)
    return changed


def renormalise_if_stale(wh: Warehouse) -> int | None:
    """Renormalise when the normaliser changed since the last check (None when it had not)."""
    if stored_fingerprint(wh) == normaliser_fingerprint():
        return None
    changed = renormalise(wh)
    mark_current(wh)
    return changed
