"""Records to the pandas frame a suite validates: raw columns as Python objects, plus helper columns.

Every raw column is ``object`` dtype so that GX checks each value (a stray int in a text column is
named, not silently inferred away) and can return the failing row numbers; it holds the text, None,
or a stand-in for any other type (see ``_view``), while the records themselves are never changed. Parsing happens here,
once, and never raises: a date that does not parse becomes ``<helper>_parse = "unparseable"``, which
the suite turns into its own quarantine reason.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from include.quality.suites import NAME_KINDS, DatasetSpec, PartialDate

MAX_ITEMS = 200
SHORT_ITEM = 320  # an e-mail address is at most 320 characters


@dataclass
class Frame:
    df: Any  # pandas.DataFrame, index 0..n-1 = position in the batch
    bad_text_fields: dict[int, list[str]] = field(default_factory=dict)


def _is_list(v: Any) -> bool:
    return isinstance(v, list | tuple)


def _short_str(v: Any, limit: int = SHORT_ITEM) -> bool:
    return isinstance(v, str) and len(v) <= limit


def consent(v: Any) -> bool:
    return isinstance(v, Mapping) and isinstance(v.get("given"), bool)


def list_of_short_strings(v: Any) -> bool:
    return _is_list(v) and len(v) <= MAX_ITEMS and all(_short_str(i) for i in v)


def registry_names(v: Any) -> bool:
    """A non-empty list of {name, kind, language}; the first is the current legal name."""
    if not _is_list(v) or not v or len(v) > MAX_ITEMS:
        return False
    for n in v:
        if not isinstance(n, Mapping):
            return False
        name, kind, language = n.get("name"), n.get("kind"), n.get("language")
        if not (isinstance(name, str) and len(name) <= 300 and name.strip()) or kind not in NAME_KINDS:
            return False
        if language is not None and not _short_str(language, 35):
            return False
    return True


def industry_codes(v: Any) -> bool:
    return _is_list(v) and len(v) <= MAX_ITEMS and all(
        isinstance(c, Mapping) and _short_str(c.get("scheme"), 100) and _short_str(c.get("code"), 100) for c in v)


PREDICATES = {"consent": consent, "list_of_short_strings": list_of_short_strings,
              "registry_names": registry_names, "industry_codes": industry_codes}


_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")  # lone surrogates (undecodable bytes) and NUL


def _text_ok(v: Any, depth: int = 0) -> bool:
    """Text a warehouse can store: valid UTF-8 (no lone surrogates) and no NUL character."""
    if isinstance(v, str):
        return _UNSTORABLE.search(v) is None
    if depth > 6:
        return True
    if isinstance(v, Mapping):
        return all(_text_ok(k, depth + 1) and _text_ok(i, depth + 1) for k, i in v.items())
    if _is_list(v):
        return all(_text_ok(i, depth + 1) for i in v)
    return True


def storable(v: Any, depth: int = 0) -> Any:
    """A copy any database can store and GX can hash: lone surrogates and NUL become U+FFFD."""
    if isinstance(v, str):
        return _UNSTORABLE.sub("\ufffd", v)
    if depth > 6:
        return v
    if isinstance(v, Mapping):
        return {storable(k, depth + 1): storable(i, depth + 1) for k, i in v.items()}
    if _is_list(v):
        return [storable(i, depth + 1) for i in v]
    return v


def _view(v: Any, row: int) -> str | int | None:
    """What the suite sees of a raw value: the text, nothing, or a stand-in for "something else".

    GX crashes on some mixes of Python objects in one column (a dict next to a bool), and cannot hash
    lists for the uniqueness check; a per-row negative int keeps "not text, not missing" without that.
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return v
    return -(row + 1)


def parse_date(raw: Any, spec: PartialDate) -> tuple[str, datetime | None]:
    from include.engine.dates import is_current, parse_partial_date

    if raw is None or not isinstance(raw, str):
        return "empty", None  # a non-string is reported by the column's type check
    if not raw.strip():
        return "empty", None
    if is_current(raw):
        return ("empty", None) if spec.allow_current else ("unparseable", None)
    try:
        parsed = parse_partial_date(raw)
    except (ValueError, TypeError, OverflowError):
        return "unparseable", None
    if parsed is None:
        return "empty", None
    day: date = parsed.last_day() if spec.last_day else parsed.first_day()
    return "ok", datetime(day.year, day.month, day.day)


def parse_timestamp(raw: Any) -> tuple[str, datetime | None]:
    """ISO 8601 (``Z`` or offset; naive = UTC) or epoch seconds / milliseconds, as naive UTC."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "empty", None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return "unparseable", None
    try:
        text = str(raw).strip()
        if isinstance(raw, int | float) or text.isdigit():
            n = float(text)
            stamp = datetime.fromtimestamp(n / 1000 if n > 1e11 else n, UTC)
        else:
            stamp = datetime.fromisoformat(text)
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
        return "ok", stamp.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return "unparseable", None


def _plain_number(v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return False
    try:
        return abs(float(v)) < 2**53  # beyond that, floats lose integers; pandas overflows on huge ints
    except (OverflowError, ValueError):
        return False


def parse_numbers(raw: list[Any], integer: bool) -> list[tuple[str, float | None]]:
    """Numbers as numbers: "five", "4", ``True`` or 3.5 (for an integer) are the wrong type.

    ``pd.to_numeric(errors="coerce")`` turns anything odd (numpy scalars, huge ints) into a float or NaN
    instead of raising, so a malformed value is quarantined rather than crashing the batch.
    """
    import pandas as pd

    usable = [v if _plain_number(v) else None for v in raw]
    values = pd.to_numeric(pd.Series(usable, dtype=object), errors="coerce").astype("float64")
    out: list[tuple[str, float | None]] = []
    for v, num in zip(raw, values, strict=True):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(("empty", None))  # NaN is how pandas says "missing"
        elif math.isnan(num) or (integer and not num.is_integer()):
            out.append(("unparseable", None))
        else:
            out.append(("ok", float(num)))
    return out


def build_frame(spec: DatasetSpec, records: list[Any]) -> Frame:
    import pandas as pd

    n = len(records)
    recs: list[Mapping[str, Any]] = [r if isinstance(r, Mapping) else {} for r in records]
    index = pd.RangeIndex(n)

    def obj(values: list[Any]) -> pd.Series:
        return pd.Series(values, index=index, dtype=object)

    def stamps(values: list[datetime | None]) -> pd.Series:
        return pd.Series(values, index=index, dtype="datetime64[us]")

    bad_text: dict[int, list[str]] = {}
    for i, r in enumerate(recs):
        bad = [k for k, v in r.items() if not (_text_ok(k) and _text_ok(v))]
        if bad:
            known = set(spec.columns())  # a stray key could be anything: name only the fields we know
            bad_text[i] = sorted({k if k in known else "other_field" for k in bad})
            recs[i] = {storable(k): storable(v) for k, v in r.items()}
    cols: dict[str, pd.Series] = {c: obj([_view(r.get(c), i) for i, r in enumerate(recs)]) for c in spec.columns()}
    cols["_is_record"] = obj([isinstance(r, Mapping) for r in records])
    cols["_text_ok"] = obj([i not in bad_text for i in range(n)])
    for d in spec.dates:
        parsed = [parse_date(r.get(d.column), d) for r in recs]
        cols[f"{d.helper}_parse"] = obj([p[0] for p in parsed])
        cols[d.helper] = stamps([p[1] for p in parsed])
    for ts in spec.timestamps:
        parsed_ts = [parse_timestamp(r.get(ts.column)) for r in recs]
        cols[f"_{ts.column}_parse"] = obj([p[0] for p in parsed_ts])
        cols[f"_{ts.column}"] = stamps([p[1] for p in parsed_ts])
    for num in spec.numbers:
        parsed_n = parse_numbers([r.get(num.column) for r in recs], num.integer)
        cols[f"_{num.column}_parse"] = obj([p[0] for p in parsed_n])
        cols[f"_{num.column}"] = pd.Series([p[1] for p in parsed_n], index=index, dtype="float64")
    for dv in spec.derived:
        check = PREDICATES[dv.check]
        cols[f"_ok_{dv.column}"] = obj([r.get(dv.column) is None or check(r.get(dv.column)) for r in recs])
    return Frame(pd.DataFrame(cols, index=index), bad_text)
