"""How many A4 pages a report prints on: each HTML file printed to PDF by Debian's headless Chromium
(the report's own print stylesheet) and its pages counted with pypdf. Not a test: a figure for README.

    .venv/bin/python scripts/print_pages.py [--css FILE] .var/data/reports/report-<day>-en.html [more.html ...]

``--css FILE`` prints the same report with another stylesheet in place of its inline one (the report
inlines include/report/templates/report.css in its only <style> element), for a baseline in the same run:

    git show 5b538d5:include/report/templates/report.css > /tmp/before.css
    .venv/bin/python scripts/print_pages.py --css /tmp/before.css .var/data/reports/report-<day>-en.html
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdf


def pages(html: Path, css: str | None = None) -> int:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="crosscheck-print-") as tmp:
        pdf = Path(tmp) / "report.pdf"
        if css is not None:
            text, n = re.subn(r"<style>.*?</style>", lambda _: f"<style>\n{css}\n</style>",
                              html.read_text(encoding="utf-8"), count=1, flags=re.DOTALL)
            if n != 1:
                raise SystemExit(f"{html}: no <style> element to replace")
            html = Path(tmp) / html.name
            html.write_text(text, encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp}/profile", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                       check=True, capture_output=True, timeout=300)
        return len(pypdf.PdfReader(pdf).pages)


def main(argv: list[str]) -> int:
    css = None
    if argv[:1] == ["--css"] and len(argv) > 1:
        css, argv = Path(argv[1]).read_text(encoding="utf-8"), argv[2:]
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for name in argv:
        html = Path(name)
        findings = html.read_text(encoding="utf-8").count('class="finding ')
        print(f"{html.name}: {pages(html, css)} A4 pages, {findings} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
