"""The report printed by Debian's headless Chromium: each requisition starts a page, every page of the
findings begins with a requisition or a candidate header (the header repeats on a candidate's continuation
pages), and at A4 width no element reaches past the right margin."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest

from include.report.render import build_report
from tests.report import chromium_cdp
from tests.report.report_seed import report_data

A4_CSS_WIDTH = 718  # 210 mm at 96 dpi less Chromium's default print margins, in CSS pixels


def _norm(text: str) -> str:
    """PDF text extraction gives compatibility forms (⼩ for 小, ﬁ for fi) and doubled spaces: compare
    NFKC forms with single spaces."""
    return " ".join(unicodedata.normalize("NFKC", htmllib.unescape(text)).split())


@pytest.fixture(autouse=True, scope="module")
def _chromium_installed():
    if shutil.which("chromium") is None:
        pytest.fail("needs Debian's chromium: run `make system-deps` (make test does)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("print")
    data = report_data(tmp)
    # one candidate with many findings (the seed's first candidate's, eight times), so that a candidate
    # continues over pages whatever the print density
    req = data.requisitions[0]
    long = req.candidates[0].model_copy(update={"findings": [
        f.model_copy(update={"finding_id": f"{f.finding_id}-{i}"}) for i in range(8) for f in req.candidates[0].findings]})
    data = data.model_copy(update={"requisitions": [
        req.model_copy(update={"candidates": [long, *req.candidates[1:]]}), *data.requisitions[1:]]})
    return Path(build_report(data, tmp / "reports", "en").html)


@pytest.fixture(scope="module")
def dense_report(tmp_path_factory) -> Path:
    """One requisition of 12 candidates with one finding each (a finding that has evidence on three sides)."""
    tmp = tmp_path_factory.mktemp("dense")
    data = report_data(tmp)
    cands = [c for r in data.requisitions for c in r.candidates if c.findings]
    cand, finding = max(((c, f) for c in cands for f in c.findings), key=lambda cf: len(cf[1].evidence))
    assert len(finding.evidence) >= 2
    many = [cand.model_copy(update={"candidate_id": f"{cand.candidate_id}-{i}", "findings": [finding]})
            for i in range(12)]
    req = data.requisitions[0].model_copy(update={"candidates": many})
    return Path(build_report(data.model_copy(update={"requisitions": [req]}), tmp / "reports", "en").html)


def _print(report: Path, pdf: Path) -> list[str]:
    """The first line of each printed page."""
    subprocess.run([shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri()],
                   check=True, capture_output=True, timeout=60)
    firsts = []
    for page in pypdf.PdfReader(pdf).pages:
        lines = [ln for ln in (page.extract_text() or "").splitlines() if ln.strip()]
        firsts.append(_norm(lines[0]) if lines else "")
    return firsts


@pytest.fixture(scope="module")
def pages(report, tmp_path_factory) -> list[str]:
    return _print(report, tmp_path_factory.mktemp("pdf") / "report.pdf")


def test_findings_are_packed_several_to_a_page(dense_report, tmp_path):
    """Twelve one-finding candidates take at most four pages of findings: three or more a page, not one
    each (the layout before measured 251 pages for the demo report, 116 after)."""
    firsts = _print(dense_report, tmp_path / "dense.pdf")
    start = firsts.index("Findings by requisition and candidate")
    end = next(i for i, p in enumerate(firsts) if p.startswith("Employer brand"))
    assert 1 <= end - start <= 4, firsts


def _titles(report: Path) -> list[str]:
    return [_norm(re.sub(r"<span.*", "", t)) for t in re.findall(r'<h3 class="req-title">(.*?)</h3>',
                                                                report.read_text(encoding="utf-8"))]


def _names(report: Path) -> list[str]:
    return [_norm(n) for n in re.findall(r'<h4 class="cand-name">([^<]+)</h4>', report.read_text(encoding="utf-8"))]


def test_each_requisition_starts_a_page(report, pages):
    titles = _titles(report)
    assert len(titles) >= 2, titles  # the seed has several requisitions, else this shows nothing
    heading = pages.index("Findings by requisition and candidate")  # the section starts a page
    assert pages[heading + 1:].count("") == 0
    starts = [p for p in pages if any(p.startswith(t) for t in titles)]
    # the first requisition follows the section's heading on its page; every other one starts a page
    assert len(starts) == len(titles) - 1, (titles, pages)


def test_every_findings_page_begins_with_a_requisition_or_a_candidate_header(report, pages):
    titles, names = _titles(report), _names(report)
    start = pages.index("Findings by requisition and candidate")
    end = next(i for i, p in enumerate(pages) if p.startswith("Employer brand"))
    findings_pages = pages[start + 1:end]
    assert len(findings_pages) > len(titles)  # some candidate continues on a page of its own
    for first in findings_pages:
        assert any(first.startswith(x) for x in titles + names), (first, findings_pages)


def test_nothing_reaches_past_the_right_margin_at_a4_width(report):
    with chromium_cdp.Browser(A4_CSS_WIDTH, 1000) as b:
        b.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
        b.open(report.as_uri())
        over = b.eval(
            "(() => { const w = document.documentElement.clientWidth;"
            " return [...document.querySelectorAll('body *')]"
            ".filter(e => e.getClientRects().length && e.getBoundingClientRect().right > w + 1)"
            ".map(e => e.tagName + '.' + e.className).slice(0, 10); })()")
        assert over == []
        assert b.eval("getComputedStyle(document.querySelector('.cand-top')).display") == "table-header-group"


@pytest.fixture(scope="module")
def requisition_page(tmp_path_factory) -> Path:
    """A requisition page as the pipeline writes it (``build_site``), whose first candidate has her finding
    eight times over, so that she continues over pages whatever the print density."""
    from include.report.site import build_site
    from tests.report.report_seed import DAY, RUN, config, seed, warehouse

    tmp = tmp_path_factory.mktemp("print-site")
    wh = warehouse()
    seed(wh)
    [row] = wh.query("SELECT * FROM discrepancies WHERE finding_id = 'f-ana-reg'")
    wh.upsert("discrepancies", [{**row, "finding_id": f"f-ana-reg-{i}", "evidence_digest": f"d-ana-{i}"}
                                for i in range(8)], ["finding_id"])
    site = build_site(wh, DAY, RUN, config(tmp), tmp / "reports", ["en"])["en"]
    wh.close()
    return next(p for p in sorted(site.pages.glob("*.html")) if "f-ana-reg-7" in p.read_text(encoding="utf-8"))


def test_every_printed_page_of_a_requisition_page_begins_with_its_title_or_a_candidate(requisition_page, tmp_path):
    text = requisition_page.read_text(encoding="utf-8")
    title = _norm(re.search(r"<h1>([^<]+)", text).group(1))
    names = _names(requisition_page)
    firsts = _print(requisition_page, tmp_path / "requisition.pdf")
    assert len(firsts) >= 2, firsts  # the candidate continues on a page of her own
    assert firsts[0] == "CROSSCHECK", firsts[0]  # the page's header
    # the findings follow the header on the first sheet (no sheet with the header alone)
    first_sheet = _norm(pypdf.PdfReader(tmp_path / "requisition.pdf").pages[0].extract_text() or "")
    assert "Findings by candidate" in first_sheet and names[0] in first_sheet, first_sheet[:300]
    # the page's closing note may run onto a last page of its own
    body = firsts[1:-1] if firsts[-1].startswith("Crosscheck supports a human decision") else firsts[1:]
    for first in body:
        assert any(first.startswith(x) for x in [title, *names]), (first, firsts)


def test_a_requisition_page_reaches_not_past_the_right_margin_at_a4_width(requisition_page):
    test_nothing_reaches_past_the_right_margin_at_a4_width(requisition_page)
