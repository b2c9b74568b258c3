"""A candidate's access request answered in words they can read: an HTML report (and a PDF when headless
Chromium is installed) in their language, beside the machine-readable JSON of ``export_candidate``.

It says what is held and where it came from, why and on what legal basis, who sees it, when it will be
deleted (``retention.candidate_days``), every finding and question in plain words, and every file that
mentions the person (paths relative to ``data_dir``, reports included). It is built from the export of
one candidate only, so it holds nothing about anyone else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from include.audit.files import reports_showing
from include.audit.scope import own_reports
from include.audit.subject import subject_of
from include.engine import messages
from include.report import i18n
from include.warehouse import Warehouse

TEMPLATES = Path(__file__).resolve().parents[1] / "report" / "templates"


def _decoded(value: Any) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value


def _plain(finding: dict[str, Any], part: str, gettext: Any) -> str:
    message = _decoded(finding.get("message"))
    if isinstance(message, dict) and part in message:
        try:
            return messages.render(message[part], gettext)
        except (KeyError, TypeError, ValueError):
            pass
    return str(finding.get(part) or "")


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return Path(path).name


def report_files(wh: Warehouse, candidate_id: str, data_root: Path) -> list[str]:
    """The HR reports of this warehouse's runs that show the candidate."""
    who, _ = subject_of(wh, candidate_id)
    return [str(p) for p in own_reports(wh, reports_showing(data_root, who))]


def findings_files(wh: Warehouse, candidate_id: str, data_root: Path) -> list[str]:
    """The findings files of this warehouse's runs (``runs/<run>/findings/``) that hold a finding about the
    candidate."""
    from include.audit.files import findings_files as all_findings_files
    from include.audit.scope import own_findings_files

    out = []
    for path in own_findings_files(wh, all_findings_files(data_root)):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = _decoded(line) if candidate_id in line else None
                if isinstance(row, dict) and row.get("candidate_id") == candidate_id:
                    out.append(str(path))
                    break
    return out


def delete_by(wh: Warehouse, export: dict[str, Any], days: int) -> date:
    """The day the retention policy deletes the candidate at the latest: ``days`` after the last run that
    wrote their rows (the export day when none is recorded)."""
    runs = export["audit"]["runs_that_wrote_candidate_rows"]
    last = None
    if runs:
        marks = ",".join("?" for _ in runs)
        rows = wh.query(f"SELECT MAX(report_day) AS d FROM pipeline_runs WHERE run_id IN ({marks})", runs)
        last = str(rows[0]["d"])[:10] if rows and rows[0]["d"] else None
    base = date.fromisoformat(last) if last else date.fromisoformat(str(export["exported_at"])[:10])
    return base + timedelta(days=days)


def render_access_report(wh: Warehouse, export: dict[str, Any], config: Any, locale: str) -> str:
    """The HTML report of one candidate's export (see the module's docstring)."""
    i18n.check_locale(locale)
    tr = i18n.translations(locale)
    g = tr.gettext
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(tr, newstyle=True)  # type: ignore[attr-defined]

    def label(table: dict[str, str]) -> Any:
        return lambda key: g(table[key]) if key in table else str(key or "").replace("_", " ")

    def fmt_date(value: Any) -> str:
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
        return format_date(day, format="long", locale=locale)

    env.globals.update(kind_label=label(i18n.KIND_LABELS), severity_label=label(i18n.SEVERITY_LABELS),
                       source_label=label(i18n.SOURCE_LABELS), fmt_date=fmt_date)
    cand = export.get("candidate") or None
    jobs = {r["job_id"]: r["name"] for r in wh.query("SELECT job_id, name FROM jobs")}
    root = Path(config.data_path())
    files = [{"path": _relative(f["path"], root), "what": "landing"} for f in export["landing_files"]]
    files += [{"path": _relative(p, root), "what": "report"} for p in export.get("report_files", [])]
    files += [{"path": _relative(p, root), "what": "findings"} for p in export.get("findings_files", [])]
    sources = sorted({s for s in [(cand or {}).get("source"), *(e.get("source") for e in export["employments"]),
                                  *(e.get("source") for e in export["educations"])] if s})
    consent = _decoded((cand or {}).get("consent")) if cand else None
    name = " ".join(p for p in ((cand or {}).get("first_name"), (cand or {}).get("last_name")) if p)
    if locale == "zh_CN" and name and not name.isascii():  # 中文/日本語 names: family name first, no space
        name = f"{(cand or {}).get('last_name') or ''}{(cand or {}).get('first_name') or ''}"
    return env.get_template("access.html.j2").render(
        lang=i18n.html_lang(locale), company=config.hiring_company.name, name=name or export["candidate_id"],
        exported=export["exported_at"], candidate=cand and {**cand, "emails": _decoded(cand.get("emails")) or [],
                                                             "phones": _decoded(cand.get("phones")) or []},
        applications=[{**a, "job": jobs.get(a.get("job_id"))} for a in export["applications"]],
        employments=export["employments"], educations=export["educations"], sources=sources,
        consent_given=isinstance(consent, dict) and consent.get("given") is True,
        consent_day=consent.get("read_at") if isinstance(consent, dict) else None,
        retention_days=config.retention.candidate_days,
        delete_by=delete_by(wh, export, config.retention.candidate_days),
        findings=[{"kind": f.get("kind"), "severity": f.get("severity"), "status": f.get("status"),
                   "summary": _plain(f, "summary", g), "question": _plain(f, "question", g),
                   "disputes": [d for d in export.get("disputes") or [] if d.get("finding_id") == f.get("finding_id")]}
                  for f in export["findings"]],
        files=files)


def print_pdf(html: Path, pdf: Path) -> bool:
    """Print ``html`` to ``pdf`` with headless Chromium; False (and no file) when it is not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return False
    try:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        pdf.unlink(missing_ok=True)
        return False
    pdf.chmod(0o600)
    return pdf.exists()
