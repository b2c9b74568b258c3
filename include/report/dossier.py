"""A candidate's dispute file: the recruiting timeline, plain answers, consent and findings.

``dossier_data`` gathers, from the warehouse only, what a dispute needs; ``digest`` is the sha256 of
that data (canonical JSON), so the same warehouse always gives the same digest. ``write_dossier``
writes ``dossier-<id>-<locale>.json`` (the data, its digest and when it was made), ``.html`` (the
same data rendered, carrying the digest, the time it was made and the data itself) and ``.pdf``
(Chromium prints the HTML; without Chromium the PDF is left out and the caller says so), mode 600.

``verify_dossier`` rebuilds the data from the warehouse and compares: a file whose data no longer
hashes to its digest was edited; data that differs from the warehouse's names the part that differs
(an event, a finding, the consent...); an HTML file must also be byte for byte the rendering of its
data, so an edit of the visible text is caught too.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from include.engine import messages
from include.report import i18n, notice_text
from include.warehouse.base import canonical_json, now_iso, sha256_text
from include.warehouse.timeline import events_for

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMAT = "crosscheck-dossier/1"
OFFER_ACCEPTED = {"accepted", "signed"}
OFFER_DECLINED = {"rejected"}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def dossier_data(wh: Any, candidate_id: str) -> dict[str, Any]:
    """Everything the dossier says, from the warehouse; KeyError when the candidate is unknown."""
    rows = wh.query("SELECT candidate_id, source, source_id, first_name, last_name, consent_given, consent, "
                    "record_url FROM candidates WHERE candidate_id = ?", [candidate_id])
    if not rows:
        raise KeyError(f"no candidate {candidate_id} in the warehouse")
    c = rows[0]
    apps = wh.query("SELECT a.application_id, a.job_id, j.name AS job, a.status, a.applied_at FROM applications a "
                    "LEFT JOIN jobs j ON j.job_id = a.job_id WHERE a.candidate_id = ? ORDER BY a.application_id",
                    [candidate_id])
    events = [{k: e[k] for k in ("event_id", "source", "application_id", "kind", "occurred_at", "basis",
                                 "record_type", "record_id", "version", "detail", "record_sha256",
                                 "payload_sha256", "landed_path")} for e in events_for(wh, candidate_id)]
    findings = []
    for f in wh.query("SELECT finding_id, kind, severity, summary, question, evidence, message, status, "
                      "cleared_reason, cleared_by, cleared_at FROM discrepancies WHERE candidate_id = ? "
                      "ORDER BY finding_id", [candidate_id]):
        clearances = wh.query("SELECT reason, cleared_by, cleared_at, reopened_at FROM finding_clearances "
                              "WHERE finding_id = ? ORDER BY cleared_at, clearance_id", [f["finding_id"]])
        findings.append({**f, "evidence": _json(f["evidence"]), "message": _json(f["message"]),
                         "clearances": clearances, "disputes": _disputes(wh, f["finding_id"])})
    decisions = []
    if "notice_decisions" in wh.tables():  # HR's decisions, their letters and deliveries (include/notices)
        for d in wh.query("SELECT * FROM notice_decisions WHERE candidate_id = ? ORDER BY decided_at, decision_id",
                          [candidate_id]):
            letters = wh.query("SELECT notice_id, locale, sha256, written_by, written_at FROM notice_letters "
                               "WHERE decision_id = ? ORDER BY written_at, notice_id", [d["decision_id"]])
            deliveries = wh.query("SELECT delivery_id, notice_id, method, delivered_by, delivered_at, delivered_on, "
                                  "wait_until FROM notice_deliveries WHERE decision_id = ? "
                                  "ORDER BY delivered_at, delivery_id", [d["decision_id"]])
            decisions.append({**d, "finding_ids": _json(d["finding_ids"]) or [], "letters": letters,
                              "deliveries": deliveries})
    return {"format": FORMAT, "candidate": {
        "candidate_id": c["candidate_id"], "source": c["source"], "source_id": c["source_id"],
        "name": " ".join(p for p in (c["first_name"], c["last_name"]) if p), "record_url": c["record_url"]},
        "applications": apps, "consent": {"given": bool(c["consent_given"]), **(_json(c["consent"]) or {})},
        "timeline": events, "answers": answers(events), "findings": findings,
        "decisions": decisions}


def _disputes(wh: Any, finding_id: str) -> list[dict[str, Any]]:
    """The finding's disputes (``include.disputes``): what the candidate said, when, the due day, what each
    re-read found and the outcome."""
    from include.warehouse.disputes import disputes

    out = []
    for d in disputes(wh, finding_ids=[finding_id]):
        o = d["outcome"]
        out.append({"dispute_id": d["dispute_id"], "statement": d["statement"], "received_on": str(d["received_on"]),
                    "due_on": str(d["due_on"]), "recorded_by": d["recorded_by"], "recorded_at": str(d["recorded_at"]),
                    "rereads": [{"run_id": s["run_id"], "evidence": s["evidence"], "at": str(s["step_at"])}
                                for s in d["rereads"]],
                    "outcome": None if o is None else {"outcome": o["outcome"], "reason": o["reason"],
                                                       "by": o["actor"], "at": str(o["step_at"])}})
    return out


def answers(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The questions a dispute asks, answered from the timeline alone."""
    offers = [e for e in events if e["kind"] == "offer"]
    sent = sorted(d["sent_at"] for e in offers if (d := e["detail"]).get("sent_at"))
    latest = offers[-1]["detail"] if offers else {}
    closed = [e for e in events if e["kind"] in ("rejected", "withdrawn")]
    hired = [e for e in events if e["kind"] == "hired"]
    intent = [e for e in events if e["kind"] == "stage" and "offer" in str(e["detail"].get("stage", "")).lower()]
    status = latest.get("status")
    accepted = status in OFFER_ACCEPTED or bool(hired and offers)
    # declined: Greenhouse marks the offer rejected; Lever closes the candidacy with the candidate's reason
    declined = not accepted and (status in OFFER_DECLINED or bool(closed and closed[-1]["kind"] == "withdrawn"))
    return {
        "offer_sent": bool(sent), "offer_sent_at": sent[0] if sent else None,
        "offer_versions": len({(e["record_id"], e["version"]) for e in offers}),
        "offer_accepted": accepted if sent else None,
        "offer_accepted_at": latest.get("resolved_at") if accepted else None,
        "offer_declined": declined if sent else None,
        "offer_start_date": latest.get("starts_at"),
        "offer_stage_reached_at": intent[0]["occurred_at"] if intent else None,
        "offer_stage": intent[0]["detail"].get("stage") if intent else None,
        "offer_stage_observed": bool(intent and intent[0]["basis"] == "observed"),
        "closed": bool(closed), "closed_kind": closed[-1]["kind"] if closed else None,
        "closed_at": closed[-1]["occurred_at"] if closed else None,
        "closed_reason": closed[-1]["detail"].get("reason") if closed else None,
        "hired": bool(hired), "hired_at": hired[-1]["occurred_at"] if hired else None,
    }


def digest(data: dict[str, Any]) -> str:
    return sha256_text(canonical_json(data))


# ---- rendering ------------------------------------------------------------------------------------

def _environment(locale: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    tr = i18n.translations(locale)
    env.install_gettext_translations(tr, newstyle=True)  # type: ignore[attr-defined]
    g = tr.gettext
    env.globals.update(
        kind_label=lambda k: g(i18n.EVENT_LABELS[k]) if k in i18n.EVENT_LABELS else k,
        finding_kind=lambda k: g(i18n.KIND_LABELS[k]) if k in i18n.KIND_LABELS else k,
        severity=lambda s: g(i18n.SEVERITY_SHORT[s]) if s in i18n.SEVERITY_SHORT else s,
        text=lambda f, part: messages.render(f["message"][part], g) if isinstance(f.get("message"), dict)
        and f["message"].get(part) else f[part],
        html_lang=i18n.html_lang(locale), day=lambda ts: (ts or "")[:10], minute=_minute,
        decision_label=lambda k: g(notice_text.DECISION_LABELS[k]) if k in notice_text.DECISION_LABELS else k,
        method_label=lambda k: g(notice_text.DELIVERY_METHODS[k]) if k in notice_text.DELIVERY_METHODS else k)
    return env


def _minute(ts: str | None) -> str:
    return (ts or "").replace("T", " ")[:16] + (" UTC" if ts and "T" in ts else "")


def render_html(data: dict[str, Any], dig: str, generated_at: str, locale: str) -> str:
    i18n.check_locale(locale)
    payload = html.escape(canonical_json(data), quote=False)
    return _environment(locale).get_template("dossier.html.j2").render(
        d=data, digest=dig, generated_at=generated_at, locale=locale, payload=payload)


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    pdf_missing: str | None = None


def _private(path: Path, data: bytes) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


def file_stem(candidate_id: str, locale: str) -> str:
    return f"dossier-{re.sub(r'[^A-Za-z0-9_.-]+', '_', candidate_id)}-{locale}"


def write_dossier(wh: Any, candidate_id: str, out_dir: Path, locale: str = "en", pdf: bool = True) -> Written:
    data = dossier_data(wh, candidate_id)
    dig, generated_at = digest(data), now_iso()
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = out_dir / file_stem(candidate_id, locale)
    done = Written()
    doc = {"format": FORMAT, "digest": dig, "generated_at": generated_at, "locale": locale, "dossier": data}
    done.files.append(_private(stem.with_suffix(".json"),
                               json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")))
    page = _private(stem.with_suffix(".html"), render_html(data, dig, generated_at, locale).encode("utf-8"))
    done.files.append(page)
    if pdf:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if chromium is None:
            done.pdf_missing = "no Chromium on PATH: the PDF was not written (HTML and JSON were)"
        else:
            target = stem.with_suffix(".pdf")
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                f"--user-data-dir={profile}", f"--print-to-pdf={target}", page.resolve().as_uri()],
                               check=True, capture_output=True, timeout=120)
            os.chmod(target, 0o600)
            done.files.append(target)
    return done


# ---- verification ---------------------------------------------------------------------------------

PAYLOAD_RE = re.compile(r'<script type="application/json" id="dossier-data">(.*?)</script>', re.DOTALL)
META_RE = re.compile(r'<meta name="crosscheck-dossier-(digest|generated-at|locale)" content="([^"]*)">')


@dataclass
class Verdict:
    ok: bool
    differences: list[str]


def read_dossier_file(path: Path) -> tuple[dict[str, Any], str, str, str, str | None]:
    """(data, digest, generated_at, locale, html text or None) of a dossier JSON or HTML file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"{path.name} is not a Crosscheck dossier")
        return doc["dossier"], doc["digest"], doc["generated_at"], doc["locale"], None
    found = PAYLOAD_RE.search(text)
    meta = dict(META_RE.findall(text))
    if not found or not {"digest", "generated-at", "locale"} <= set(meta):
        raise ValueError(f"{path.name} is not a Crosscheck dossier (no embedded data or digest)")
    return json.loads(html.unescape(found.group(1))), meta["digest"], meta["generated-at"], meta["locale"], text


def _differences(file_data: dict[str, Any], now: dict[str, Any]) -> list[str]:
    out = []
    for part in ("candidate", "applications", "consent", "answers"):
        if canonical_json(file_data.get(part)) != canonical_json(now.get(part)):
            out.append(f"{part} differ")
    for part, key in (("timeline", "event_id"), ("findings", "finding_id"), ("decisions", "decision_id")):
        mine = {str(x.get(key)): x for x in file_data.get(part) or []}
        theirs = {str(x.get(key)): x for x in now.get(part) or []}
        out += [f"{part}: {k} is in the file, not in the warehouse" for k in sorted(set(mine) - set(theirs))]
        out += [f"{part}: {k} is in the warehouse, not in the file" for k in sorted(set(theirs) - set(mine))]
        out += [f"{part}: {k} differs" for k in sorted(set(mine) & set(theirs))
                if canonical_json(mine[k]) != canonical_json(theirs[k])]
    return out


def verify_dossier(wh: Any, path: Path) -> Verdict:
    data, dig, generated_at, locale, page = read_dossier_file(path)
    problems = []
    if digest(data) != dig:
        problems.append("the file's content no longer matches its own digest (the file was edited)")
    cid = str((data.get("candidate") or {}).get("candidate_id") or "")
    try:
        now = dossier_data(wh, cid)
    except KeyError:
        return Verdict(False, problems + [f"candidate {cid or '?'} is no longer in the warehouse"])
    if digest(now) != dig:
        problems.append("the warehouse no longer gives this dossier's digest")
    if canonical_json(data) != canonical_json(now):
        problems += _differences(data, now)
    if page is not None and render_html(data, dig, generated_at, locale) != page:
        problems.append("the HTML is not the rendering of its data (its text was edited)")
    return Verdict(not problems, problems)
