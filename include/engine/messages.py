"""Finding sentences as message ids with parameters, so that the report can say them in any locale.

A rule writes its summary and question as an English template with named placeholders
(``%(employer)s``), marked with ``N_`` so that Babel extracts it into the report's catalogue, plus the
values to fill in. ``render`` fills a template through a gettext function: with no translation it gives
the English sentence that the warehouse's ``summary`` and ``question`` columns hold; the report renders
the same message in its own locale at render time.

Parameters are plain JSON, so that a message is stored beside the finding as it is:

* a string or number is a literal (a name, a title, a date, a count) and is never translated;
* ``{"t": msgid}`` is vocabulary ("present", "named competitor", a registry's name), translated;
* ``{"m": msgid, "p": {...}}`` is a nested sentence part ("start differs by 8 months");
* ``{"join": [...], "sep": msgid}`` is a list, joined by a translated separator (", ", " and ").

The message is kept out of the evidence digest (a reworded or newly translated sentence never
reopens a cleared finding) and out of the audit row digest; the report shows it only while its English
rendering equals the audited ``summary`` and ``question`` columns (see ``include/report/data.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Gettext = Callable[[str], str]
Message = dict[str, Any]


def N_(message: str) -> str:
    """Marks a string for extraction; translated later, at render time."""
    return message


COMMA, AND = N_(", "), N_(" and ")
PRESENT, NONE = N_("present"), N_("none")
WHEN = N_("%(start)s to %(end)s")

# Source names as they appear in sentences and evidence (names of registries and profile sites).
SOURCE_NAMES: dict[str, str] = {
    "companies_house": N_("Companies House"),
    "gleif": N_("GLEIF"),
    "opencorporates": N_("OpenCorporates"),
    "orcid": N_("ORCID"),
    "github": N_("GitHub"),
    "linkedin": N_("LinkedIn"),
    "greenhouse": N_("Greenhouse"),
    "lever": N_("Lever"),
}
# Reasons the rules give, in sentences and as evidence values.
REASONS: dict[str, str] = {
    "different function": N_("different function"),
    "different seniority": N_("different seniority"),
    "named competitor": N_("named competitor"),
    "competitor's corporate family": N_("competitor's corporate family"),
    "shares an industry code": N_("shares an industry code"),
}
AN_EMPLOYEE = N_("an employee")
# A finding that rests on a part of the record that was quarantined (include/engine/incomplete.py).
INCOMPLETE = N_("%(finding)s Part of the candidate's %(side)s could not be read (%(count)s records quarantined), "
                "which may explain this.")
RECORD_SIDES: dict[str, str] = {"resume": N_("resume"), "profile": N_("public profiles")}
# Industry classification schemes by key, as written in sentences and evidence (proper names, not translated).
INDUSTRY_SCHEMES: dict[str, str] = {
    "uk_sic_2007": "UK SIC 2007",
    "uk_sic_dotted": "UK SIC 2007",
    "nace_rev2": "NACE Rev. 2",
    "isic_v4": "ISIC Rev. 4",
}


def industry_code(text: str) -> str:
    """"uk_sic_2007 26110" (a scheme key and a code, as the rules record a matched code) as "UK SIC 2007
    26110"; an unknown scheme key is shown as words, anything else as written."""
    scheme, _, code = text.partition(" ")
    if not code:
        return text
    if scheme == "unknown":
        return code
    if scheme in INDUSTRY_SCHEMES:
        return f"{INDUSTRY_SCHEMES[scheme]} {code}"
    if "_" in scheme and scheme.replace("_", "").isalnum():
        return f"{scheme.replace('_', ' ').upper()} {code}"
    return text


def _identity(text: str) -> str:
    return text


def term(msgid: str) -> dict[str, str]:
    """A vocabulary word or phrase, translated when rendered."""
    return {"t": msgid}


def msg(msgid: str, **params: Any) -> Message:
    return {"m": msgid, "p": params}


def joined(items: Iterable[Any], sep: str = COMMA) -> dict[str, Any]:
    return {"join": list(items), "sep": sep}


def source(key: str) -> Any:
    """A source's name: a term when it is one we know, else the key as written."""
    return term(SOURCE_NAMES[key]) if key in SOURCE_NAMES else key


def reason(text: str) -> Any:
    return term(REASONS[text]) if text in REASONS else text


def when(start: str | None, end: str | None) -> Message:
    """"2019-03 to present", the dates as the record wrote them."""
    return msg(WHEN, start=start or "?", end=end if end and end.strip() else term(PRESENT))


def finding_message(summary: Message, question: Message) -> Message:
    return {"summary": summary, "question": question}


# Han, CJK punctuation and full-width forms: no space is written between two of these.
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_IS_CJK = re.compile(f"[{_CJK}]")


def _fit_spaces(template: str, params: dict[str, str]) -> str:
    """A translated template puts spaces around its placeholders for Latin names ("而 %(profile)s 资料");
    where the value itself is Chinese ("领英"), the space between two Chinese characters goes. Only the
    template's spaces change, never a value; English templates have no CJK, so nothing changes there."""
    for key, value in params.items():
        if not value:
            continue
        slot = re.escape(f"%({key})s")
        if _IS_CJK.match(value[0]):
            template = re.sub(f"(?<=[{_CJK}]) ({slot})", r"\1", template)
        if _IS_CJK.match(value[-1]):
            template = re.sub(f"({slot}) (?=[{_CJK}])", r"\1", template)
    return template


def render(message: Any, gettext: Gettext = _identity) -> str:
    """The sentence in the language of ``gettext`` (English with the default)."""
    if isinstance(message, dict):
        if "m" in message:
            params = {k: render(v, gettext) for k, v in (message.get("p") or {}).items()}
            return _fit_spaces(gettext(str(message["m"])), params) % params
        if "t" in message:
            return gettext(str(message["t"]))
        if "join" in message:
            return gettext(str(message.get("sep") or COMMA)).join(render(v, gettext) for v in message["join"])
        raise ValueError(f"not a message part: {sorted(message)}")
    if message is None:
        return ""
    return str(message)


def msgids(message: Any) -> Iterator[str]:
    """Every message id a message uses (templates, terms, separators), for catalogue checks."""
    if isinstance(message, dict):
        if "m" in message:
            yield str(message["m"])
            for v in (message.get("p") or {}).values():
                yield from msgids(v)
        elif "t" in message:
            yield str(message["t"])
        elif "join" in message:
            yield str(message.get("sep") or COMMA)
            for v in message["join"]:
                yield from msgids(v)
        else:
            for v in message.values():
                yield from msgids(v)


def literals(message: Any) -> Iterator[str]:
    """The untranslated values a message carries (names, titles, dates, counts)."""
    if isinstance(message, dict):
        if "m" in message:
            for v in (message.get("p") or {}).values():
                yield from literals(v)
        elif "join" in message:
            for v in message["join"]:
                yield from literals(v)
        elif "t" not in message:
            for v in message.values():
                yield from literals(v)
    elif message is not None:
        yield str(message)
