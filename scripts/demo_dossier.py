"""`make demo`'s dispute file: the dossier, in both locales, of one candidate of the demo warehouse
whose formal offer was sent and whose application was then rejected (the case a dispute is about).

    .venv/bin/python scripts/demo_dossier.py [--out DIR]

Writes into ``<data_dir>/dossiers`` of CROSSCHECK_CONFIG (the demo's config if unset) through
``crosscheck candidate dossier``. Exits 1 with one line when no such candidate is in the warehouse.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def dossier_dir() -> Path:
    from include.config import CONFIG_ENV, load_config
    from sandbox import DEMO_CONFIG

    return load_config(os.environ.get(CONFIG_ENV) or DEMO_CONFIG).data_path() / "dossiers"


def rejected_after_offer(wh) -> str | None:
    """A candidate with an offer sent and a rejection recorded after it; Lever's first (its stage history is
    reported, Greenhouse's only observed from our reads), then by id."""
    rows = wh.query(
        "SELECT o.candidate_id FROM recruiting_events o JOIN recruiting_events r "
        "ON r.application_id = o.application_id AND r.kind = 'rejected' AND r.occurred_at > o.occurred_at "
        "WHERE o.kind = 'offer' AND o.candidate_id IS NOT NULL "
        "ORDER BY CASE WHEN o.source = 'lever' THEN 0 ELSE 1 END, o.candidate_id LIMIT 1")
    return rows[0]["candidate_id"] if rows else None


def main(argv: list[str] | None = None) -> int:
    from include import cli
    from include.cli_checks import open_warehouse

    ap = argparse.ArgumentParser(prog="demo_dossier", description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, help="folder for the files (default: <data_dir>/dossiers)")
    args = ap.parse_args(argv)
    wh = open_warehouse(migrate=False)
    try:
        cid = rejected_after_offer(wh)
    finally:
        wh.close()
    if cid is None:
        print("demo dossier: no candidate with an offer sent and then rejected in the warehouse", file=sys.stderr)
        return 1
    print(f"Dispute file of {cid} (offer sent, then rejected):")
    return cli.main(["candidate", "dossier", cid, "--out", str(args.out or dossier_dir())])


if __name__ == "__main__":
    sys.exit(main())
