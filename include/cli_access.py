"""``crosscheck candidate export``'s output: the JSON (to stdout or a mode-600 file) and, beside a file, the
report the candidate reads (``include.audit.access_report``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from include.audit.access_report import findings_files, print_pdf, render_access_report, report_files
from include.cli_checks import UsageError, write_private
from include.warehouse import Warehouse


def access_export(wh: Warehouse, data: dict[str, Any], config: Any, out: str | None, locale: str) -> int:
    data["report_files"] = report_files(wh, data["candidate_id"], Path(config.data_path()))
    data["findings_files"] = findings_files(wh, data["candidate_id"], Path(config.data_path()))
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if not out:
        print(text)
        return 0
    if Path(out).suffix.lower() in (".html", ".pdf"):
        raise UsageError("--out names the JSON file (e.g. export.json); the report is written beside it")
    json_path = write_private(out, text)
    html_path = write_private(json_path.with_suffix(".html"), render_access_report(wh, data, config, locale))
    wrote = [str(json_path), str(html_path)]
    if print_pdf(html_path, json_path.with_suffix(".pdf")):
        wrote.append(str(json_path.with_suffix(".pdf")))
    print(f"wrote {', '.join(wrote)} (readable by you only)")
    return 0
