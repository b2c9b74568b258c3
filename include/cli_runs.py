"""``crosscheck runs`` and ``crosscheck runs show RUN``: what each sealed run read, under which consent, with
which rule and code versions, what it quarantined, whether it finished, and where it sits in the audit chain.

The sealed manifest says what a source read in the words of the step that read it (``records_read`` for the
ATSs, ``reviews``/``employers`` for the review feed, ``responses`` for the chunked profile and registry
sources). :func:`source_view` puts every source in one vocabulary; manifests sealed by older code read the
same way, and a figure an older manifest did not record is ``None`` (shown as "not recorded").
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from include.cli_checks import UsageError, open_warehouse, warehouse_conn, where
from include.warehouse import Warehouse

RUN_COLUMNS = "seq, run_id, report_day, state, started_at, ended_at, dag_ids, prev_hash, hash"


def add_parser(subparsers: Any, formatter_class: type[argparse.HelpFormatter] | None = None) -> argparse.ArgumentParser:
    """Register ``runs`` (and ``runs show``) on the CLI's subparsers; the handler is set as ``func``."""
    fmt = formatter_class or argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser(
        "runs", help="the sealed runs: what each read, under which consent and versions, and how it ended",
        description=(
            "List the sealed runs of the warehouse, newest first: chain position, report day, state, duration,\n"
            "records read, records quarantined, findings and consent. `runs show RUN` gives one run in full:\n"
            "per source what it read (records by kind, HTTP responses, landing files), consent given, awaiting\n"
            "and withdrawn, rule and code versions, data-quality results per dataset, its DAG runs and its\n"
            "place in the audit chain. Reads only; `crosscheck audit verify` re-hashes the chain.\n"
            "Exit status 1 if there is no such run (or no run at all); 2 if there is no warehouse."),
        formatter_class=fmt)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--limit", type=int, default=30, metavar="N", help="list at most N runs (0: all)")
    p.set_defaults(func=cmd_runs, run=None)
    sub = p.add_subparsers(dest="runs_action", metavar="ACTION")
    s = sub.add_parser("show", help="one run in full", formatter_class=fmt,
                       description="One sealed run in full. RUN is a run id, a unique start of one, its chain "
                                   "position (e.g. 3) or `latest`.")
    s.add_argument("run", metavar="RUN", help="run id, a unique prefix of one, chain position, or `latest`")
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON instead of text")
    s.set_defaults(func=cmd_runs)
    return p


# ---------------------------------------------------------------- reading


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _seconds(start: Any, end: Any) -> float | None:
    try:
        return round((datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))).total_seconds(), 1)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def source_view(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """One source's reading in the vocabulary shared by all sources.

    ``records``: records read, by kind (None when the source's step does not count records: the profile
    and registry look-ups count HTTP responses); ``responses``: API responses landed; ``files``: landing
    files written; ``quarantined``: records the connector could not parse (None when not recorded).
    """
    records: dict[str, int] | None = None
    if isinstance(entry.get("records_read"), dict):
        records = {str(k): _int(v) for k, v in sorted(entry["records_read"].items())}
    elif "reviews" in entry or "employers" in entry:  # the review feed's own words
        records = {k: _int(entry.get(k)) for k in ("employers", "reviews") if k in entry}
    payloads: list[Any] = entry["payloads"] if isinstance(entry.get("payloads"), list) else []
    responses = entry.get("responses")
    if responses is None and payloads:
        responses = sum(_int(p.get("responses")) for p in payloads if isinstance(p, dict))
    quarantined = entry.get("connector_quarantined")
    out: dict[str, Any] = {
        "source": name,
        "skipped": bool(entry.get("skipped")),
        "reason": entry.get("reason"),
        "records": records,
        "records_total": sum(records.values()) if records is not None else None,
        "responses": _int(responses) if responses is not None else None,
        "files": len(payloads),
        "quarantined": _int(quarantined) if quarantined is not None else None,
    }
    if entry.get("chunks") is not None:
        out["chunks"] = _int(entry.get("chunks"))
    if _int(entry.get("erased_skipped")):
        out["erased_skipped"] = _int(entry.get("erased_skipped"))
    if isinstance(entry.get("watermark"), dict):
        out["watermark"] = entry["watermark"]
    return out


def consent_view(consent: dict[str, Any]) -> dict[str, Any]:
    """Consent as a run recorded it. ``held`` (given, awaiting, withdrawn over every candidate with an
    application when the run was sealed, the report's figure) is None for runs sealed before it was kept;
    ``evidence`` counts only the candidates this run read or processed."""
    held = consent.get("held") if isinstance(consent.get("held"), dict) else None
    return {
        "held": {k: _int(held.get(k)) for k in ("given", "awaiting", "withdrawn")} if held else None,
        "evidence": {"read_this_run": _int(consent.get("read_this_run")), "given": _int(consent.get("given")),
                     "not_given": _int(consent.get("not_given"))},
        "fields": consent.get("fields") or {},
    }


def quality_view(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(ds): {"records_in": _int(d.get("records_in")), "good": _int(d.get("good")),
                      "quarantined": _int(d.get("quarantined")), "passed": bool(d.get("success", True)),
                      "accepted": bool(d.get("accepted", True))}
            for ds, d in sorted(summary.items()) if isinstance(d, dict)}


def run_view(row: dict[str, Any], total: int) -> dict[str, Any]:
    """A ``pipeline_runs`` row and its manifest, presented."""
    m = _decoded(row.get("manifest")) or {}
    sources = [source_view(n, e) for n, e in sorted((m.get("sources") or {}).items()) if isinstance(e, dict)]
    quality = quality_view(m.get("data_quality_summary") or {})
    written = m.get("rows_written") or {}
    return {
        "run_id": row["run_id"],
        "chain": {"position": _int(row.get("seq")), "of": total, "hash": row.get("hash"),
                  "prev_hash": row.get("prev_hash")},
        "report_day": row.get("report_day"),
        "state": row.get("state"),
        "started_at": row.get("started_at"),
        "ended_at": row.get("ended_at"),
        "duration_seconds": _seconds(row.get("started_at"), row.get("ended_at")),
        "dag_runs": sorted(({k: d.get(k) for k in ("dag_id", "state", "ended_at")}
                            for d in m.get("dag_runs") or [] if isinstance(d, dict)),
                           key=lambda d: str(d.get("ended_at") or "")),
        "sources": sources,
        "sources_skipped": [s["source"] for s in sources if s["skipped"]],
        "records_read": sum(s["records_total"] or 0 for s in sources),
        "responses": sum(s["responses"] or 0 for s in sources),
        "quarantined": sum(d["quarantined"] for d in quality.values())
                       + sum(s["quarantined"] or 0 for s in sources),
        "data_quality": quality,
        "consent": consent_view(m.get("consent") or {}),
        "candidates_checked": _int(m.get("candidates_checked")),
        "findings": _int(written.get("findings")),
        "findings_change": written.get("upsert") or {},
        "rule_versions": dict(sorted((m.get("rule_versions") or {}).items())),
        "code_version": m.get("code_version") or {},
        "config_sha256": m.get("config_sha256"),
    }


def list_runs(wh: Warehouse, limit: int = 0) -> list[dict[str, Any]]:
    """Every sealed run, newest first (``limit`` > 0: only that many)."""
    total = _int(wh.query("SELECT COUNT(*) AS n FROM pipeline_runs")[0]["n"])
    sql = f"SELECT {RUN_COLUMNS}, manifest FROM pipeline_runs ORDER BY seq DESC"
    if limit > 0:
        sql += f" LIMIT {int(limit)}"
    return [run_view(r, total) for r in wh.query(sql)]


def find_run(wh: Warehouse, ref: str) -> dict[str, Any]:
    """The run ``ref`` names: an id, a unique start of one, a chain position or ``latest``. KeyError
    (with a one-line reason) when none or several match."""
    ref = ref.strip()
    total = _int(wh.query("SELECT COUNT(*) AS n FROM pipeline_runs")[0]["n"])
    if not total:
        raise KeyError("the warehouse has no sealed runs")
    sql = f"SELECT {RUN_COLUMNS}, manifest FROM pipeline_runs "
    if ref == "latest":
        rows = wh.query(sql + "ORDER BY seq DESC LIMIT 1")
    elif ref.lstrip("#").isdigit():
        rows = wh.query(sql + "WHERE seq = ?", [int(ref.lstrip("#"))])
    else:
        rows = wh.query(sql + "WHERE run_id = ?", [ref])
        if not rows and ref:
            rows = [r for r in wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq") if
                    str(r["run_id"]).startswith(ref)]
            if len(rows) > 1:
                raise KeyError(f"run {ref!r} is ambiguous: {len(rows)} runs start so "
                               f"({', '.join(r['run_id'] for r in rows[:3])}{', ...' if len(rows) > 3 else ''})")
            if rows:
                rows = wh.query(sql + "WHERE run_id = ?", [rows[0]["run_id"]])
    if not rows:
        raise KeyError(f"no run {ref!r} (runs are numbered 1 to {total}; `crosscheck runs` lists them)")
    return run_view(rows[0], total)


# ---------------------------------------------------------------- presenting


def _n(value: Any) -> str:
    return "not recorded" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _consent_short(consent: dict[str, Any]) -> str:
    held = consent["held"]
    if held is None:
        return "not recorded"
    return f"{held['given']}/{held['awaiting']}/{held['withdrawn']}"


def format_list(runs: list[dict[str, Any]], place: str) -> str:
    if not runs:
        return f"no sealed runs in the warehouse at {place}\n"
    header = ("#", "run", "day", "state", "took", "records", "quarant.", "findings", "consent g/a/w")
    rows = [(str(r["chain"]["position"]), r["run_id"], str(r["report_day"]), str(r["state"]),
             _duration(r["duration_seconds"]), f"{r['records_read']:,}", f"{r['quarantined']:,}",
             f"{r['findings']:,}", _consent_short(r["consent"])) for r in runs]
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    lines.append("")
    lines.append("consent g/a/w: candidates with an application who consent / await consent / withdrew it, "
                 "when the run was sealed")
    lines.append("`crosscheck runs show RUN` for one run in full; `crosscheck audit verify` re-hashes the chain")
    return "\n".join(lines) + "\n"


def _wrapped(items: list[str], first: str, width: int = 100) -> list[str]:
    """Items joined by commas into lines of at most ``width``, an item never split."""
    lines, line = [], first
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if line.strip() and len(line) + len(piece) + 1 > width and line != first:
            lines.append(line.rstrip())
            line = " " * len(first)
        line += piece + " "
    return [*lines, line.rstrip()]


def format_run(r: dict[str, Any]) -> str:
    out = [f"run {r['run_id']}",
           f"  report day   {r['report_day']}",
           f"  state        {r['state']}",
           f"  started      {r['started_at']}",
           f"  ended        {r['ended_at']}  ({_duration(r['duration_seconds'])})",
           (f"  audit chain  position {r['chain']['position']} of {r['chain']['of']}; "
            f"hash {str(r['chain']['hash'])[:16]}…, previous {str(r['chain']['prev_hash'])[:16]}…"),
           "", "DAG runs"]
    out += [f"  {d['dag_id']:<22} {d['state']:<8} ended {d['ended_at']}" for d in r["dag_runs"]] or ["  none recorded"]
    out += ["", "Read, per source (records by kind; API responses; landing files; records the connector could not parse)"]
    for s in r["sources"]:
        if s["skipped"]:
            out.append(f"  {s['source']:<16} skipped: {s['reason'] or 'not configured'}")
            continue
        kinds = [f"{k} {v:,}" for k, v in (s["records"] or {}).items()] or [
            "not counted (looked up per candidate or employer)" if s["records"] is None else "nothing new"]
        out += _wrapped(kinds, f"  {s['source']:<16} ")
        out.append(" " * 19 + f"responses {_n(s['responses'])}; files {s['files']}"
                   + (f"; quarantined {s['quarantined']:,}" if s["quarantined"] is not None else "")
                   + (f"; skipped as erased {s['erased_skipped']}" if s.get("erased_skipped") else ""))
    c = r["consent"]
    out += ["", "Consent"]
    if c["held"] is None:
        out.append("  candidates held at the seal: not recorded (this run was sealed before the count was kept)")
    else:
        h = c["held"]
        out.append(f"  candidates with an application at the seal: {h['given']:,} consent, "
                   f"{h['awaiting']:,} await consent, {h['withdrawn']:,} withdrew it")
    e = c["evidence"]
    out.append(f"  evidence in this run: {e['read_this_run']:,} read from the ATSs; of those read or processed, "
               f"{e['given']:,} given, {e['not_given']:,} not given")
    out.append(f"  candidates checked: {r['candidates_checked']:,}")
    out += ["", "Data quality (records in / good / quarantined)"]
    for ds, d in r["data_quality"].items():
        verdict = "passed" if d["passed"] else ("failed, accepted" if d["accepted"] else "failed, rejected")
        out.append(f"  {ds:<16} {d['records_in']:>7,} {d['good']:>7,} {d['quarantined']:>7,}  {verdict}")
    if not r["data_quality"]:
        out.append("  none recorded")
    change = ", ".join(f"{k} {v}" for k, v in sorted(r["findings_change"].items()) if k != "total" and v)
    out += ["", f"Findings: {r['findings']:,}" + (f" ({change})" if change else "")]
    out += ["", "Versions"]
    cv = r["code_version"]
    out.append(f"  code         commit {cv.get('git_commit', 'not recorded')}; tree sha256 "
               f"{str(cv.get('tree_sha256', 'not recorded'))[:16]}…")
    out.append(f"  config       sha256 {str(r['config_sha256'])[:16]}…")
    out += [f"  {k:<32} {v}" for k, v in r["rule_versions"].items()] or ["  rules: not recorded"]
    return "\n".join(out) + "\n"


def cmd_runs(args: argparse.Namespace) -> int:
    if getattr(args, "limit", 0) < 0:
        raise UsageError("--limit must be 0 (all) or more")
    wh = open_warehouse(migrate=False)
    try:
        if args.run is None:
            runs = list_runs(wh, args.limit)
            sys.stdout.write(json.dumps(runs, indent=2, default=str) + "\n" if args.json
                             else format_list(runs, where(warehouse_conn())))
            return 0 if runs else 1
        try:
            run = find_run(wh, args.run)
        except KeyError as exc:
            print(f"crosscheck: runs show: {exc.args[0]}", file=sys.stderr)
            return 1
    finally:
        wh.close()
    sys.stdout.write(json.dumps(run, indent=2, default=str) + "\n" if args.json else format_run(run))
    return 0
