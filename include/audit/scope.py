"""Which files under ``data_dir`` belong to a warehouse: several warehouses (a test world, the demo, a
second environment) may share one data folder, and an access or erasure request answers for the
warehouse it was given only.

A file belongs to the warehouse when the run that wrote it is one of its runs: sealed in
``pipeline_runs``, with payloads recorded in ``landed_payloads`` or candidates or applications stored (a
run still going, or one that failed before its seal). Landing files sit in ``landing/<source>/<day>/<run>/``, findings files in
``runs/<run>/findings/``. An HR report ``reports/report-<day>-<locale>.html|csv``, or a requisition page
``report-<day>-<locale>/requisitions/<key>[-n].html|csv``, names the run that rendered it (``<meta
name="crosscheck-run">`` in the HTML, which its CSV sits beside, same name): it belongs to the warehouse
unless that run is another's. A report that names no run (rendered before the mark) is taken as the
warehouse's: erasing too much of a person's data is the safer mistake.
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

from include.audit.redact import landing_files
from include.warehouse import Warehouse


def run_ids(wh: Warehouse) -> set[str]:
    ids = {str(r["run_id"]) for r in wh.query("SELECT run_id FROM pipeline_runs")}
    for table in ("landed_payloads", "candidates", "applications"):
        ids.update(str(r["run_id"]) for r in wh.query(f"SELECT DISTINCT run_id FROM {table} WHERE run_id IS NOT NULL"))
    return ids


RUN_MARK = re.compile(r'<meta name="crosscheck-run" content="([^"]*)"')


def report_run(path: Path) -> str | None:
    """The run that rendered a report (its HTML says it; a CSV asks the HTML beside it), or None."""
    html = path.with_suffix(".html")
    try:
        with html.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    found = RUN_MARK.search(head)
    return htmllib.unescape(found.group(1)) if found else None


def own_landing_files(wh: Warehouse, root: Path) -> list[Path]:
    runs = run_ids(wh)
    return [p for p in landing_files(Path(root)) if p.parent.name in runs]


def own_findings_files(wh: Warehouse, paths: list[Path]) -> list[Path]:
    runs = run_ids(wh)
    return [p for p in paths if p.parent.parent.name in runs]


def own_reports(wh: Warehouse, paths: list[Path]) -> list[Path]:
    """The reports among ``paths`` that no other warehouse's run rendered."""
    runs = run_ids(wh)
    return [p for p in paths if (run := report_run(p)) is None or run in runs]
