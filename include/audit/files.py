"""A candidate's data outside the landing zone: the run folders and the HR reports under ``data_dir``.

* ``runs/<run>/findings/batch-*.jsonl`` hold one finding per line, with its evidence (employers,
  titles, dates): the candidate's lines are cut out, like their records in landing files. The run's
  digests (``run_findings``, the chain) stay, so ``audit verify`` still passes.
* ``runs/<run>/data_docs`` holds Great Expectations results stripped to counts (see
  ``include.quality.datadocs.sanitize``) and ``runs/<run>/manifest`` and ``plan`` hold pseudonymous
  ids and counts: nothing to cut. ``residual_files`` proves it after every erasure.
* ``reports/report-<day>-<locale>.html|csv`` (the day report and the day's CSV) and the requisition pages
  ``reports/report-<day>-<locale>/requisitions/<key>[-n].html`` with their CSVs ``<key>[-n].csv`` show the
  candidate's name and findings: each file that shows them is deleted (the tombstone lists it); with the
  configuration at hand the latest run's site is rendered again from the warehouse, without them (every
  page and page CSV, so the candidate's rows are gone and the pages after theirs move up). A page the
  build took over unchanged from the day before is a hard link to that day's file: both names show the
  candidate and both are deleted, and the deleted pages are dropped from the sites' page records
  (``forget_report_pages``), so no later build links a page from them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from include.audit.redact import Rewrite, Subject
from include.warehouse import Warehouse

# the day report, the day's CSV, the requisition pages and each page's CSV
REPORT_GLOBS = ("report-*.html", "report-*.csv", "report-*/requisitions/*.html", "report-*/requisitions/*.csv")


def findings_files(data_root: Path) -> list[Path]:
    return sorted((Path(data_root) / "runs").glob("*/findings/*.jsonl"))


def prepare_findings_rewrite(path: Path, candidate_id: str) -> Rewrite | None:
    """The batch file without the candidate's findings, written beside it (not yet in place)."""
    raw = path.read_bytes()
    kept, cut = [], 0
    for line in raw.decode("utf-8").splitlines(keepends=True):
        if line.strip() and candidate_id in line and _finding_of(line) == candidate_id:
            cut += 1
        else:
            kept.append(line)
    if not cut:
        return None
    tmp = path.with_name(path.name + ".erasing")
    tmp.write_bytes("".join(kept).encode("utf-8"))
    return Rewrite(path, hashlib.sha256(raw).hexdigest(), hashlib.sha256(tmp.read_bytes()).hexdigest(), cut, tmp)


def _finding_of(line: str) -> str | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    return data.get("candidate_id") if isinstance(data, dict) else None


def reports_showing(data_root: Path, who: Subject) -> list[Path]:
    """HR reports (HTML and CSV) that show the candidate: every report row carries the candidate id (matched
    whole, so ``greenhouse:12`` is not ``greenhouse:123``); e-mails, phones and record URLs count too."""
    folder = Path(data_root) / "reports"
    pattern = re.compile(rf"(?<![A-Za-z0-9_:-]){re.escape(who.candidate_id)}(?![A-Za-z0-9_-])")
    out = []
    for glob in REPORT_GLOBS:
        for p in sorted(folder.glob(glob)):
            text = p.read_text(encoding="utf-8-sig", errors="replace")
            low = text.lower()
            if pattern.search(text) or any(t in low for t in who.texts):
                out.append(p)
    return sorted(out)


def deleted_record(path: Path) -> dict[str, Any]:
    """The tombstone's entry for a file removed whole (``new_sha256`` is None)."""
    return {"path": str(path), "old_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "new_sha256": None,
            "lines": None, "deleted": True}


def forget_report_pages(data_root: Path, deleted: list[Path]) -> int:
    """Drop the deleted requisition pages from the site records (``report-<day>-<locale>.pages.json``,
    page names and digests only), so that no later build hard-links a page from a file that showed the
    candidate: each page is rendered again from the warehouse (``include.report.site.build_site``)."""
    from include.report.site import forget_pages

    return forget_pages(Path(data_root) / "reports", deleted)


def rerender_latest_report(wh: Warehouse, config: Any, deleted: list[Path]) -> list[str]:
    """Render the latest sealed run's report again (from the warehouse, so without the erased candidate)
    in each locale whose files were deleted; older days' reports stay deleted (their run's findings
    have moved on, a re-render would not be the report HR read)."""
    from include.report.render import report_paths, site_dir_name
    from include.report.site import build_site
    from include.warehouse.runs import latest_run

    latest = latest_run(wh)
    if latest is None or not deleted:
        return []
    run_id, day = latest
    gone = {Path(p).resolve() for p in deleted}
    out_dir = Path(config.data_path()) / "reports"
    locales = []
    for locale in dict.fromkeys([config.report.locale, "en", "zh_CN"]):
        planned = report_paths(out_dir, day, locale)
        pages = (out_dir / site_dir_name(day, locale)).resolve()
        if {planned.html.resolve(), planned.csv.resolve()} & gone or any(pages in p.parents for p in gone):
            locales.append(locale)
    if not locales:
        return []
    site = build_site(wh, day, run_id, config, out_dir, locales)
    return [str(x) for p in site.values() for x in (p.html, p.csv)]


def residual_files(data_root: Path, needles: set[str]) -> list[str]:
    """Files under ``data_root`` that still contain any needle (case-insensitive; .gz decompressed).

    Paths only, relative to ``data_root``: the erasure report must not hold the values it looked for."""
    low = {n.lower() for n in needles if n and len(n) >= 4}
    root = Path(data_root)
    if not low or not root.exists():
        return []
    out = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name.endswith((".erasing", ".lock")) or _is_site_asset(p, root):
            continue
        try:
            data = gzip.decompress(p.read_bytes()) if p.name.endswith(".gz") else p.read_bytes()
        except (OSError, EOFError):
            data = p.read_bytes()
        text = data.decode("utf-8", errors="replace").lower()
        if any(n in text for n in low):
            out.append(str(p.relative_to(root)))
    return out


def _is_site_asset(path: Path, root: Path) -> bool:
    """GX's own JavaScript, CSS and fonts in each Data Docs site (megabytes per run, never data)."""
    parts = path.relative_to(root).parts
    return len(parts) > 4 and parts[0] == "runs" and parts[2:5] == ("data_docs", "site", "static")
