"""The front door and docs/ stay honest: README.md fits on a screen, every relative link in README.md and
docs/**/*.md reaches a file of the repository (and, for ``#anchor`` links, a heading of that file, slugged
as GitHub slugs them), no document names a path outside the repository or the original specification
file, and every ``make`` target the docs name is one the Makefile has.

The checks are functions of a root folder, so the negative cases below run them on a small repository
written to a temporary folder, never on the real docs.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_MAX_LINES = 250

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); the text may hold one level of brackets (e.g. [`x[0]`](y))
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\".*\")?\s*$")
HTML_ATTR = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)=\"([^\"]+)\"", re.IGNORECASE)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# Paths of a particular machine, and the specification that lives outside the repository.
OUTSIDE = re.compile(r"(?<![\w.])(?:/work/|/home/|/Users/|/root/|/tmp/|/mnt/|~/|[A-Z]:\\)|\bSPEC\.md\b")
MAKE_TARGET = re.compile(r"(?<![\w-])make\s+([a-z][\w-]*)")
MAKEFILE_RULE = re.compile(r"^([A-Za-z0-9_.-]+(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?![=:])", re.MULTILINE)


def doc_files(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def repo_files(root: Path) -> set[str]:
    """Files a clean clone would have: git's tracked and untracked-but-not-ignored files (so nothing
    under .var/ or .venv/ counts), or, outside a git checkout, every file under ``root``."""
    if (root / ".git").exists():
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             cwd=root, capture_output=True, text=True, check=True).stdout
        return {p for p in out.split("\0") if p and (root / p).exists()}
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, inline code removed."""
    lines, fenced = [], False
    for no, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((no, INLINE_CODE.sub("", line)))
    return lines


def links(text: str) -> list[tuple[int, str]]:
    found = []
    for no, line in prose_lines(text):
        for pattern in (INLINE_LINK, HTML_ATTR):
            found += [(no, m.group(1)) for m in pattern.finditer(line)]
        ref = REF_DEF.match(line)
        if ref:
            found.append((no, ref.group(1)))
    return found


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text (markup dropped), lower-cased, every character
    that is not a letter, digit, space, hyphen or underscore removed, spaces turned into hyphens."""
    text = INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's text only
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML tags
    text = text.replace("*", "")
    text = "".join(ch for ch in text.lower()
                   if ch in " -_" or unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Mn")
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading's anchor; a repeated slug gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    out = set()
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m:
            slug = github_slug(m.group(2))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def broken_links(root: Path, doc: Path, files: set[str]) -> list[str]:
    problems = []
    rel_doc = doc.relative_to(root).as_posix()
    text = doc.read_text(encoding="utf-8")
    dirs = {str(Path(f).parent.as_posix()) for f in files} | {
        str(p.as_posix()) for f in files for p in Path(f).parents}
    for no, target in links(text):
        where = f"{rel_doc}:{no}: {target}"
        if not target or SCHEME.match(target) or target.startswith("//"):
            continue  # external (https:, mailto:) or empty
        path, _, anchor = target.partition("#")
        if path.startswith("/"):
            problems.append(f"{where}: an absolute path (write it relative to {rel_doc})")
            continue
        resolved = (doc.parent / path).resolve() if path else doc.resolve()
        try:
            rel = resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            problems.append(f"{where}: outside the repository")
            continue
        if rel not in files and rel.rstrip("/") not in dirs:
            problems.append(f"{where}: no such file in the repository")
            continue
        if anchor:
            if not rel.endswith(".md") or rel not in files:
                problems.append(f"{where}: an anchor into a file that is not a Markdown document")
            elif anchor not in anchors((root / rel).read_text(encoding="utf-8")):
                problems.append(f"{where}: no heading with the anchor #{anchor} in {rel}")
    return problems


def outside_paths(root: Path, doc: Path) -> list[str]:
    rel_doc = doc.relative_to(root).as_posix()
    return [f"{rel_doc}:{no}: {m.group(0)!r}"
            for no, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
            for m in OUTSIDE.finditer(line)]


def makefile_targets(root: Path) -> set[str]:
    text = (root / "Makefile").read_text(encoding="utf-8")
    return {t for m in MAKEFILE_RULE.finditer(text) for t in m.group(1).split() if not t.startswith(".")}


def code_lines(text: str) -> list[tuple[int, str]]:
    """(line number, code) for every fenced line and every inline code span: where commands are written."""
    out, fenced = [], False
    for no, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif fenced:
            out.append((no, line))
        else:
            out += [(no, m.group(2)) for m in INLINE_CODE.finditer(line)]
    return out


def unknown_make_targets(root: Path, doc: Path) -> list[str]:
    targets = makefile_targets(root)
    rel_doc = doc.relative_to(root).as_posix()
    return [f"{rel_doc}:{no}: make {m.group(1)}"
            for no, code in code_lines(doc.read_text(encoding="utf-8"))
            for m in MAKE_TARGET.finditer(code) if m.group(1) not in targets]


# ---- the real docs ---------------------------------------------------------------------------------


def test_readme_fits_on_a_screen():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; at most {README_MAX_LINES}"


def test_every_relative_link_resolves():
    files = repo_files(ROOT)
    problems = [p for doc in doc_files(ROOT) for p in broken_links(ROOT, doc, files)]
    assert not problems, "broken links:\n" + "\n".join(problems)


def test_no_doc_names_a_path_outside_the_repository():
    problems = [p for doc in doc_files(ROOT) for p in outside_paths(ROOT, doc)]
    assert not problems, "paths outside the repository:\n" + "\n".join(problems)


def test_every_make_target_named_exists():
    problems = [p for doc in doc_files(ROOT) for p in unknown_make_targets(ROOT, doc)]
    assert not problems, "make targets the Makefile lacks:\n" + "\n".join(problems)
    assert {"demo", "test"} <= makefile_targets(ROOT)


def test_the_docs_folder_is_for_users():
    assert not (ROOT / "docs" / "HELPERS.md").exists()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needed in ("make demo", "make test", "docs/screenshots/report-demo-en.png", "```mermaid"):
        assert needed in readme, needed


# ---- the checks themselves, on a small repository in a temporary folder --------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("good.md", "Read [the guide](guide.md), [its part](guide.md#the-first-part) and [here](#top).\n",
         None),
        ("missing-file.md", "See [scale](readme/scale.md).\n", "no such file"),
        ("missing-anchor.md", "See [the part](guide.md#the-second-part).\n", "no heading with the anchor"),
        ("own-anchor.md", "# Top\n\nSee [below](#bottom).\n", "no heading with the anchor"),
        ("escape.md", "See [the spec](../../outside.md).\n", "outside the repository"),
        ("absolute.md", "See [it](/etc/passwd).\n", "an absolute path"),
        ("image.md", "![shot](screenshots/none.png)\n", "no such file"),
        ("reference.md", "See [it][r].\n\n[r]: nowhere.md\n", "no such file"),
        ("ignored-code.md", "```\n[not a link](nowhere.md)\n```\nand `[nor](this.md)`\n", None),
    ],
)
def test_a_broken_link_is_found(tmp_path, name, text, expected):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# The guide\n\n## The first part\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Top\n", encoding="utf-8")
    doc = docs / name
    doc.write_text("# Top\n\n" + text if not text.startswith("# ") else text, encoding="utf-8")
    problems = broken_links(tmp_path, doc, repo_files(tmp_path))
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Two commands", "two-commands"),
        ("In the Airflow UI: `make ui`", "in-the-airflow-ui-make-ui"),
        ("Scaling out: PostgreSQL warehouse, Celery workers, docker-compose",
         "scaling-out-postgresql-warehouse-celery-workers-docker-compose"),
        ("What **each** run records", "what-each-run-records"),
        ("Erasure requests: `crosscheck candidate erase ID --by NAME`",
         "erasure-requests-crosscheck-candidate-erase-id---by-name"),
        ("The [sandbox](SANDBOX.md) and its_world", "the-sandbox-and-its_world"),
        ("报告 (zh-CN)", "报告-zh-cn"),
    ],
)
def test_slugs_follow_github(heading, slug):
    assert github_slug(heading) == slug


def test_repeated_headings_get_numbered_anchors():
    assert anchors("# Tests\n## Tests\n### Tests\n```\n# Tests\n```\n") == {"tests", "tests-1", "tests-2"}


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ("Read ../shared/SPEC.md first.", True),
        ("The venv is /work/main/.venv.", True),
        ("Extract to /tmp/messages.pot.", True),
        ("Paths are relative to the checkout: `sandbox/crosscheck.yaml`.", False),
        ("The API lives at https://api.example.com/work/items.", False),
    ],
)
def test_paths_outside_the_repository_are_found(tmp_path, line, bad):
    doc = tmp_path / "README.md"
    doc.write_text(line + "\n", encoding="utf-8")
    assert bool(outside_paths(tmp_path, doc)) is bad


def test_an_unknown_make_target_is_found(tmp_path):
    (tmp_path / "Makefile").write_text(".PHONY: demo test\nX := 1\ndemo: install\n\t@true\ntest lint:\n\t@true\n",
                                       encoding="utf-8")
    doc = tmp_path / "README.md"
    doc.write_text("Run `make demo`, then `make lint` and `make test`; to make sure, `make deploy`.\n"
                   "```\nmake test TEST_WORKERS=1\nmake docs\n```\n", encoding="utf-8")
    assert makefile_targets(tmp_path) == {"demo", "test", "lint"}
    assert unknown_make_targets(tmp_path, doc) == ["README.md:1: make deploy", "README.md:4: make docs"]
