"""Finding one candidate in raw landing files, and cutting them out, without touching anyone else.

A landed line is one HTTP response (``{"url", "status", "fetched_at", "body"}``); a body is often a
page of many candidates. A line whose URL names the candidate (``/candidates/<id>``, the ORCID
record, the GitHub user, the LinkedIn export attachment) is theirs entirely. Otherwise the body is
walked as JSON and only the records that mention the candidate are replaced by a marker; a body
that is not JSON but mentions them is replaced whole.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ERASED_RECORD = {"_erased": True}
ERASED_TEXT = "[erased]"
ERASED_BODY = json.dumps({"_erased": True, "note": "removed on the data subject's erasure request"})
MIN_NEEDLE = 4  # shorter identifiers would match unrelated text


@dataclass
class Subject:
    """What identifies a candidate in raw text: source ids (as whole tokens), e-mails, phones, URLs."""

    candidate_id: str
    tokens: set[str] = field(default_factory=set)  # ids, ORCID iD, GitHub login: matched as whole tokens
    texts: set[str] = field(default_factory=set)  # e-mails, phones, URLs: matched as substrings, any case

    def __post_init__(self) -> None:
        self.tokens = {t.strip() for t in self.tokens if t and len(t.strip()) >= MIN_NEEDLE}
        self.texts = {t.strip().lower() for t in self.texts if t and len(t.strip()) >= MIN_NEEDLE}
        alts = "|".join(re.escape(t) for t in sorted(self.tokens, key=len, reverse=True))
        self._token_re = (
            re.compile(rf"(?<![A-Za-z0-9_-])(?:{alts})(?![A-Za-z0-9_-])", re.IGNORECASE) if alts else None
        )

    @property
    def personal(self) -> set[str]:
        """The needles that are personal data as such (not pseudonymous ids): must vanish on erasure."""
        return set(self.texts)

    def in_text(self, text: str) -> bool:
        if not text:
            return False
        low = text.lower()
        if any(t in low for t in self.texts):
            return True
        return bool(self._token_re and self._token_re.search(text))

    def in_value(self, value: Any) -> bool:
        if isinstance(value, str):
            return self.in_text(value)
        if isinstance(value, bool) or value is None:
            return False
        if isinstance(value, int):
            return str(value) in self.tokens
        if isinstance(value, dict):
            return any(self.in_value(v) for v in value.values())
        if isinstance(value, list):
            return any(self.in_value(v) for v in value)
        return False

    def scrub(self, text: str) -> str:
        for t in sorted(self.texts, key=len, reverse=True):
            text = re.sub(re.escape(t), ERASED_TEXT, text, flags=re.IGNORECASE)
        return self._token_re.sub(ERASED_TEXT, text) if self._token_re else text


def cut(node: Any, who: Subject) -> tuple[Any, list[Any]]:
    """(node without the candidate's records, the records removed). A record is the smallest enclosing
    object that still mentions the candidate once its lists have been cut."""
    if isinstance(node, list):
        out, removed = [], []
        for el in node:
            if not who.in_value(el):
                out.append(el)
            elif isinstance(el, list):
                sub, r = cut(el, who)
                out.append(sub)
                removed.extend(r)
            else:
                out.append(ERASED_RECORD if isinstance(el, dict) else ERASED_TEXT)
                removed.append(el)
        return out, removed
    if isinstance(node, dict):
        new, removed = {}, []
        for k, v in node.items():
            if isinstance(v, (list, dict)) and who.in_value(v):
                new[k], r = cut(v, who)
                removed.extend(r)
            else:
                new[k] = v
        if who.in_value(new):
            return ERASED_RECORD, [node]
        return new, removed
    if who.in_value(node):
        return ERASED_TEXT, [node]
    return node, []


def cut_line(line: dict[str, Any], who: Subject) -> tuple[dict[str, Any] | None, list[Any]]:
    """(the line redacted, or None when it does not concern the candidate; the candidate's records in it)."""
    url, body = str(line.get("url") or ""), line.get("body")
    body_text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    if who.in_text(url):
        return {**line, "url": who.scrub(url), "body": ERASED_BODY, "erased": True}, [body_text]
    if not who.in_text(body_text):
        return None, []
    try:
        data = json.loads(body_text)
    except ValueError:
        return {**line, "body": ERASED_BODY, "erased": True}, [body_text]
    new, removed = cut(data, who)
    new_text = json.dumps(new, ensure_ascii=False)
    if who.in_text(new_text):  # e.g. the candidate in an object key: give up on precision
        return {**line, "body": ERASED_BODY, "erased": True}, [body_text]
    return {**line, "body": new_text, "erased": True}, removed


def landing_files(root: Path) -> Iterator[Path]:
    if root.exists():
        yield from sorted(p for p in root.rglob("*.jsonl.gz") if p.is_file())


def read_lines(path: Path) -> Iterable[tuple[int, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, text in enumerate(fh, start=1):
            if text.strip():
                yield n, text


def scan_file(path: Path, who: Subject) -> list[tuple[int, dict[str, Any], dict[str, Any], list[Any]]]:
    """(line number, original line, redacted line, the candidate's records) per line concerning them."""
    hits = []
    for n, text in read_lines(path):
        if not who.in_text(text):  # cheap: the line is JSON text, the body inside it too
            continue
        line = json.loads(text)
        new, removed = cut_line(line, who)
        if new is not None:
            hits.append((n, line, new, removed))
    return hits


@dataclass
class Rewrite:
    path: Path
    old_sha256: str
    new_sha256: str
    lines: int
    tmp: Path

    def commit(self) -> None:
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)

    def record(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "old_sha256": self.old_sha256,
            "new_sha256": self.new_sha256,
            "lines": self.lines,
        }


def prepare_rewrite(path: Path, who: Subject) -> Rewrite | None:
    """Write the redacted copy beside the file (not yet in place); None if the file does not concern them."""
    raw = path.read_bytes()
    changed = 0
    out: list[str] = []
    for _, text in read_lines(path):
        new = None
        if who.in_text(text):
            new, _ = cut_line(json.loads(text), who)
        if new is None:
            out.append(text if text.endswith("\n") else text + "\n")
        else:
            changed += 1
            out.append(json.dumps(new, ensure_ascii=False) + "\n")
    if not changed:
        return None
    tmp = path.with_name(path.name + ".erasing")
    with gzip.GzipFile(tmp, "wb", mtime=0) as fh:  # mtime=0 as the lander: same content, same bytes
        fh.write("".join(out).encode("utf-8"))
    return Rewrite(
        path, hashlib.sha256(raw).hexdigest(), hashlib.sha256(tmp.read_bytes()).hexdigest(), changed, tmp
    )
