"""Render the HR report: one self-contained HTML file (inline CSS, no script, prints cleanly) and a CSV of
the same findings, per locale.

Autoescape is always on: candidate names, employers and review texts come from outside and can hold
HTML. Links are only ever made from http(s) URLs (see ``include.report.data.safe_link``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape

from include.engine import messages
from include.levels import NOTICE_DAYS_YELLOW
from include.report import i18n, notice_text
from include.report.models import (
    SEVERITIES,
    CandidateView,
    FindingView,
    ReportData,
    RequisitionLink,
    RequisitionView,
)
from include.report.reviews import TOPICS

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSV_COLUMNS = (
    "report_day",
    "requisition",
    "candidate_id",
    "candidate_name",
    "finding_id",
    "severity",
    "severity_label",
    "kind",
    "kind_label",
    "status",
    "new",
    "summary",
    "question",
    "evidence",
    "source_links",
    "rule_version",
    "cleared_by",
    "cleared_reason",
    "cleared_at",
)
# a requisition page's CSV: nothing relative to its run, so that an unchanged page's CSV is the same file the
# next day (the folder it sits in names the day): no ``report_day``, and the day the finding was first seen
# (``first_seen``, ISO) in place of ``new``
PAGE_CSV_COLUMNS = tuple("first_seen" if c == "new" else c for c in CSV_COLUMNS if c != "report_day")
# the files that make a requisition page's bytes besides its data (``page_code_digest``): templates,
# translations and the code that renders them
RENDER_CODE = ("report/render.py", "report/i18n.py", "report/notice_text.py", "report/models.py",
               "report/reviews.py", "report/site.py", "engine/messages.py", "engine/kinds.py", "levels.py")


@dataclass(frozen=True)
class ReportPaths:
    html: Path
    csv: Path


@dataclass(frozen=True)
class Interactive:
    """The Airflow UI plugin's additions: a clearing form per open finding, protected by ``csrf_token``."""

    csrf_token: str
    action: str = "clear"
    message: str | None = None
    error: str | None = None
    user: str = ""  # who is logged in: a clearance is recorded in their name
    reopen_action: str = ""  # where a cleared finding's "reopen" form posts (none when empty)
    dispute_action: str = ""  # where an open finding's "record a dispute" form posts (none when empty)
    outcome_action: str = ""  # where a disputed finding's "outcome" form posts (none when empty)


@lru_cache(maxsize=len(i18n.LOCALES))
def environment(locale: str) -> Environment:
    i18n.check_locale(locale)
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tr = i18n.translations(locale)
    env.install_gettext_translations(tr, newstyle=True)  # type: ignore[attr-defined]
    g = tr.gettext

    lc = Locale.parse(locale)  # parsed once: babel parses a locale name on every call otherwise

    def label(table: dict[str, str]) -> Any:
        return lambda key: g(table[key]) if key in table else key

    env.globals.update(
        kind_label=label(i18n.KIND_LABELS),
        severity_label=label(i18n.SEVERITY_LABELS),
        severity_short=label(i18n.SEVERITY_SHORT),
        severity_meaning=label(i18n.SEVERITY_MEANING),
        level_label=label(i18n.LEVEL_LABELS),
        response_label=label(i18n.RESPONSE_LABELS),
        level_meaning=label(i18n.LEVEL_MEANING),
        notice_limit=NOTICE_DAYS_YELLOW,
        side_label=label(i18n.SIDE_LABELS),
        topic_label=label(i18n.TOPIC_LABELS),
        source_label=label(i18n.SOURCE_LABELS),
        value_label=lambda k: value_label(k, g),
        fmt_date=lambda d: format_date(
            d if isinstance(d, date) else date.fromisoformat(str(d)[:10]), format="long", locale=lc
        ),
        fmt_month=lambda m, skeleton="MMM": format_skeleton(
            skeleton, date.fromisoformat(f"{m}-01"), locale=lc
        ),
        fmt_timestamp=_timestamp(locale),
        fmt_rating=lambda x: (
            "–"
            if x is None
            else format_decimal(
                Decimal(str(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), format="0.0", locale=lc
            )
        ),
        fmt_value=lambda k, v: format_value(k, v, g),
        finding_text=lambda f, part: finding_text(f, part, g),
        record_ref=lambda ref: g(i18n.RECORD_REFS[ref]) if ref in i18n.RECORD_REFS else ref,
        skip_reason=label(i18n.SKIP_REASONS),
        status_label=label(i18n.EMPLOYMENT_STATUS_LABELS),
        SEVERITIES=SEVERITIES,
        TOPICS=TOPICS,
        notice_state=label(notice_text.NOTICE_STATES),
        decision_label=label(notice_text.DECISION_LABELS),
        method_label=label(notice_text.DELIVERY_METHODS),
    )
    return env


def finding_text(f: FindingView, part: str, gettext: Any) -> str:
    """A finding's summary or question in the locale of ``gettext``: its message when it has one (see
    ``include.report.data.checked_message``), else the English sentence as stored."""
    if f.message and part in f.message:
        try:
            return messages.render(f.message[part], gettext)
        except (KeyError, TypeError, ValueError):  # a translation that does not fit its message
            pass
    return str(getattr(f, part))


def value_label(key: str, gettext: Any) -> str:
    """An evidence key as HR reads it; a key without a label is shown as words, never as ``snake_case``."""
    return gettext(i18n.VALUE_LABELS[key]) if key in i18n.VALUE_LABELS else key.replace("_", " ")


def format_value(key: str, value: Any, gettext: Any) -> str:
    """An evidence value as HR reads it: an empty end date means the job is current; enumerated values
    (match methods, statuses, seniority levels, source keys) are translated, literals shown as written."""
    if value is None or value == "":
        return gettext(i18n.CURRENT) if key in ("end", "end_raw") else "–"
    if isinstance(value, bool):
        return gettext(i18n.YES if value else i18n.NO)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        if key in i18n.SOURCE_LIST_VALUES:
            return gettext(messages.COMMA).join(_source(str(v), gettext) for v in value) or "–"
        return gettext(messages.COMMA).join(format_value(key, v, gettext) for v in value) or "–"
    if isinstance(value, str):
        table = i18n.EVIDENCE_VALUES.get(key)
        folded = value.strip().casefold()
        if table is not None and folded in table:
            return gettext(table[folded])
        if folded == "unknown":
            return gettext(i18n.UNKNOWN)
        if key == "matched":  # a competitor's name, or the industry code both companies share
            return messages.industry_code(value)
    return str(value)


def _source(key: str, gettext: Any) -> str:
    return gettext(i18n.SOURCE_LABELS[key]) if key in i18n.SOURCE_LABELS else key


def _timestamp(locale: str) -> Any:
    from datetime import datetime

    def fmt(value: str | None) -> str:
        if not value:
            return ""
        try:
            return format_datetime(datetime.fromisoformat(value), format="medium", locale=locale)
        except ValueError:
            return value

    return fmt


def render_html(data: ReportData, locale: str = "en", interactive: Interactive | None = None) -> str:
    return "".join(html_chunks(data, locale, interactive))


def page_name(key: str, page: int) -> str:
    """A requisition page's file name: ``<key>.html``, then ``<key>-2.html`` ..."""
    return f"{key}.html" if page <= 1 else f"{key}-{page}.html"


def page_csv_name(key: str, page: int) -> str:
    """The CSV of a requisition page's findings, beside it: ``<key>.csv``, then ``<key>-2.csv`` ..."""
    return page_name(key, page).removesuffix(".html") + ".csv"


def page_code_digest() -> str:
    """A digest of everything a requisition page's bytes depend on besides its data: the templates and
    translations (``TEMPLATES``, the ``locale`` folder), the rendering code (``RENDER_CODE``) and the
    versions of Jinja, Babel and MarkupSafe. A change to any of them renders every page again."""
    return _code_digest(TEMPLATES)


@lru_cache(maxsize=4)
def _code_digest(templates: Path) -> str:
    from importlib.metadata import version

    include = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(" ".join(f"{x} {version(x)}" for x in ("jinja2", "babel", "markupsafe")).encode())
    files = [*sorted(p for p in templates.rglob("*") if p.is_file()),
             *sorted(p for p in (include / "report" / "locale").rglob("*") if p.is_file()),
             *(include / name for name in RENDER_CODE)]
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.name} {len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()


HOME = "index.html"  # in a site's folder: the link from its requisition pages to the day report


def home_page(report_day: date, locale: str) -> str:
    """``report-<day>-<locale>/index.html``: a requisition page's "back to the day report" goes here (the
    page names no day, so that it can be the same file the next day), and this page forwards to the day
    report beside the folder (a plain link too, for a browser that does not follow the refresh)."""
    target = f"../{site_dir_name(report_day, locale)}.html"
    tr = i18n.translations(locale)
    return (f'<!doctype html>\n<html lang="{i18n.html_lang(locale)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="refresh" content="0; url={target}">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">\n'
            f"<title>{escape(tr.gettext('Crosscheck report'))}</title>\n</head>\n"
            f'<body><p><a href="{target}">{escape(tr.gettext("Back to the day report"))}</a></p></body>\n</html>\n')


def site_dir_name(report_day: date, locale: str) -> str:
    """The day report's name without ``.html``: also its folder of requisition pages."""
    return f"report-{report_day.isoformat()}-{locale}"


def file_href(report_day: date, locale: str, prefix: str = "") -> Any:
    """Links between the report's files: (requisition key, page) -> the page's path relative to
    ``prefix`` (the day report sits beside the folder; a requisition page inside it)."""
    folder = prefix or f"{site_dir_name(report_day, locale)}/requisitions/"
    return lambda key, page=1: f"{folder}{page_name(key, page)}"


def ui_href(locale: str) -> Any:
    """Links of the HR page: (requisition key, page) -> its live page."""
    return lambda key, page=1: "requisition?" + urlencode({"key": key, "page": page, "lang": locale})


def html_chunks(data: ReportData, locale: str = "en", interactive: Interactive | None = None,
                href: Any = None) -> Iterator[str]:
    """The report's HTML as Jinja generates it, piece by piece (a big report is never one string). With
    ``data.day`` it is the day report, linking to requisition pages through ``href(key, page)`` (the
    files of ``include.report.site`` by default); without, the whole state in one page."""
    env = environment(locale)
    kinds = list(i18n.KIND_LABELS)
    kind_rows = sorted(
        data.counts.by_kind.items(),
        key=lambda kv: (
            tuple(-kv[1].get(s, 0) for s in SEVERITIES),
            kinds.index(kv[0]) if kv[0] in kinds else len(kinds),
        ),
    )
    return env.get_template("report.html.j2").generate(
        data=data,
        locale=locale,
        lang=i18n.html_lang(locale),
        interactive=interactive,
        kind_rows=kind_rows,
        trend_max=5,
        # only findings stored before messages were are still in English
        engine_language_note=locale != "en" and any(f.message is None for f in _shown_findings(data)),
        req_href=href or file_href(data.report_day, locale),
    )


def _shown_findings(data: ReportData) -> list[FindingView]:
    if data.day is None:
        return [f for _, _, f in data.findings()]
    return [x.finding for x in [*data.day.new, *data.day.changed]] + [
        r.finding for lv in [*data.day.red, *data.day.yellow] for r in lv.level.reasons if r.finding]


def requisition_chunks(data: ReportData, link: RequisitionLink, page: int, view: RequisitionView,
                       levels: dict[str, str], locale: str = "en", interactive: Interactive | None = None,
                       href: Any = None, home: str | None = None, csv_href: str | None = None) -> Iterator[str]:
    """One page of one requisition (``include.report.site``): its candidates with their levels and
    findings, and links to the day report (``home``; by default the site folder's ``index.html``), to the
    requisition's other pages and to the CSV of this page's findings (``csv_href``; by default the file
    beside the page, ``page_csv_name``). Without ``interactive`` (the site's file) the page names neither
    its report day nor its run, and a finding shows the day it was first seen instead of "new": what it
    shows depends on its requisition, candidates and findings only (see ``site.build_site``)."""
    env = environment(locale)
    return env.get_template("requisition.html.j2").generate(
        data=data, link=link, page=page, req=view, cand_levels=levels, locale=locale,
        lang=i18n.html_lang(locale), interactive=interactive,
        req_href=href or file_href(data.report_day, locale, prefix="./"),
        home=home or f"../{HOME}",
        csv_href=csv_href or f"./{page_csv_name(link.key, page)}",
        engine_language_note=locale != "en" and any(f.message is None for c in view.candidates for f in c.findings),
    )


def _cell(value: Any) -> str:
    """Text for a CSV cell; a leading formula character is neutralised so Excel never runs a name."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(data: ReportData, locale: str = "en") -> str:
    return "".join(csv_chunks(data, locale))


def csv_chunks(data: ReportData, locale: str = "en", rows_per_chunk: int = 1000) -> Iterator[str]:
    """The findings CSV, ``rows_per_chunk`` rows at a time."""
    return findings_csv_chunks(data.report_day, data.findings(), locale, rows_per_chunk)


def findings_csv_chunks(report_day: date | None,
                        findings: Iterable[tuple[RequisitionView, CandidateView, FindingView]],
                        locale: str = "en", rows_per_chunk: int = 1000, header: bool = True) -> Iterator[str]:
    """A CSV of ``findings`` (``CSV_COLUMNS``, CRLF; the header row unless ``header`` is false),
    ``rows_per_chunk`` rows at a time. Written with ``utf-8-sig`` the file starts with the BOM Excel needs.
    ``report_day`` None: a requisition page's CSV (``PAGE_CSV_COLUMNS``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS if report_day is not None else PAGE_CSV_COLUMNS)
    for n, row in enumerate(csv_rows(report_day, findings, locale), 1):
        writer.writerow(row)
        if n % rows_per_chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def csv_rows(
    report_day: date | None, findings: Iterable[tuple[RequisitionView, CandidateView, FindingView]],
    locale: str = "en",
) -> Iterator[list[str]]:
    """One CSV row (cells as written, see ``_cell``) per finding; ``report_day`` None: a page's row
    (``PAGE_CSV_COLUMNS``)."""
    g = i18n.translations(locale).gettext
    for req, cand, f in findings:
        evidence = " | ".join(
            f"{g(i18n.SIDE_LABELS.get(e.side, e.side))} ({_source(e.source, g)}): "
            + "; ".join(f"{value_label(k, g)}={format_value(k, v, g)}" for k, v in e.values)
            for e in f.evidence
        )
        links = " ".join(e.link for e in f.evidence if e.link)
        row = (
            report_day.isoformat() if report_day is not None else None,
            req.name or g("No requisition"),
            cand.candidate_id,
            cand.name,
            f.finding_id,
            f.severity,
            g(i18n.SEVERITY_SHORT.get(f.severity, f.severity)),
            f.kind,
            g(i18n.KIND_LABELS.get(f.kind, f.kind)),
            f.status,
            ("yes" if f.is_new else "no") if report_day is not None else f.first_seen_on,
            finding_text(f, "summary", g),
            finding_text(f, "question", g),
            evidence,
            links,
            f.rule_version,
            f.cleared_by,
            f.cleared_reason,
            f.cleared_at,
        )
        yield [_cell(v) for v in (row if report_day is not None else row[1:])]


def _write_atomic(path: Path, text: str | Iterable[str], encoding: str) -> None:
    """Readers (the UI plugin, an e-mail task) never see half a report."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            for chunk in [text] if isinstance(text, str) else text:
                fh.write(chunk)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def report_paths(out_dir: Path, report_day: date, locale: str) -> ReportPaths:
    stem = f"report-{report_day.isoformat()}-{locale}"
    return ReportPaths(html=Path(out_dir) / f"{stem}.html", csv=Path(out_dir) / f"{stem}.csv")


def build_report(data: ReportData, out_dir: Path, locale: str = "en") -> ReportPaths:
    """Write ``report-<day>-<locale>.html`` and ``.csv`` into ``out_dir`` and return their paths."""
    i18n.check_locale(locale)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = report_paths(out_dir, data.report_day, locale)
    _write_atomic(paths.html, html_chunks(data, locale), "utf-8")
    _write_atomic(paths.csv, csv_chunks(data, locale), "utf-8-sig")  # the BOM makes Excel read UTF-8
    return paths
