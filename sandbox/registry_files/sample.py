"""Employer names as candidates write them, labelled with the entity they mean (or none).

Derived names are a registered name with one benign variation (case, legal suffix, punctuation,
"The", a typo past the fourth letter, a dropped or added industry word, a previous, other,
transliterated or traditional-character name). Fabricated names pair a coined word the register
never uses with generic words, sometimes with a common descriptor: the kind of employer a
resolver must not "find".
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from include.engine.names import has_cjk, normalise_company
from sandbox.registry_files import words as W
from sandbox.registry_files.generate import FakeEntity, NameFactory, entity_stream

_ALT_SUFFIXES = ["Ltd", "Limited", "Ltd.", "", "", "Inc", "GmbH", "Plc"]
_INDUSTRY = {w.casefold() for w in W.INDUSTRY_GENERIC + W.INDUSTRY_OTHER}
_COMMON = (
    {w.casefold() for w in W.SURNAMES + W.PLACES + W.DESCRIPTORS}
    | _INDUSTRY
    | {"&", "and", "community", "interest"}
)
VARIATIONS = (
    ("exact", 10),
    ("case", 10),
    ("suffix", 15),
    ("punct", 5),
    ("the", 5),
    ("typo", 15),
    ("drop_word", 10),
    ("add_word", 5),
    ("previous", 10),
    ("other", 15),
)


@dataclass(frozen=True)
class LabelledName:
    name: str
    entity_id: str | None  # None: fabricated, no registry knows it
    variation: str


def _split_suffix(name: str) -> tuple[list[str], list[str]]:
    """(core, legal form): the trailing words whose removal leaves the normalised name unchanged."""
    toks = name.split()
    norm = normalise_company(name)
    tail: list[str] = []
    while len(toks) > 1 and normalise_company(" ".join(toks[:-1])) == norm:
        tail.insert(0, toks.pop())
    return toks, tail


def _titled(toks: list[str]) -> str:
    return " ".join(t if t == "&" else t[:1].upper() + t[1:].lower() for t in toks)


def _typo(word: str, r: random.Random) -> str | None:
    if len(word) < 6 or not word.isalpha():
        return None
    i = r.randrange(4, len(word) - 1)
    how = r.choice(("drop", "swap", "double"))
    if how == "drop":
        return word[:i] + word[i + 1 :]
    if how == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if word[i] != word[i + 1] else None
    return word[:i] + word[i] + word[i:]


def vary(ent: FakeEntity, how: str, r: random.Random) -> str | None:
    """One benign variation of an entity's name, or None when it does not apply to this entity."""
    legal = ent.names[0][0]
    core, tail = _split_suffix(legal)
    if how == "exact":
        return legal
    if has_cjk(legal) and how != "other":
        return None  # a Chinese legal name has no Latin variations; its other names do
    if how == "case":
        return _titled(legal.split()) if legal.isupper() or r.random() < 0.5 else legal.lower()
    if how == "suffix":
        return f"{_titled(core)} {r.choice(_ALT_SUFFIXES)}".strip()
    if how == "punct":
        text = _titled(core).replace(" & ", " and ") if " & " in legal else _titled(core)
        return f"{text}, {' '.join(tail)}" if tail else f"{text}."
    if how == "the":
        return f"The {_titled(core)}"
    if how == "typo":
        longest = max(range(len(core)), key=lambda i: len(core[i]))
        bad = _typo(core[longest], r)
        return " ".join(core[:longest] + [bad] + core[longest + 1 :] + tail) if bad else None
    if how == "drop_word":
        keep = [t for t in core if t.casefold() not in _INDUSTRY]
        coined = any(t.casefold() not in _COMMON for t in keep)  # else the shorter name is ambiguous
        return _titled(keep) if coined and len(keep) < len(core) else None
    if how == "add_word":
        coined = any(t.casefold() not in _COMMON for t in core)  # else a shorter company fits it too
        return f"{_titled(core)} {r.choice(('Group', 'UK', 'Holdings', 'International'))}" if coined else None
    if how == "previous":
        prev = [n for n, kind in ent.names if kind == "previous"]
        return _titled(r.choice(prev).split()) if prev else None
    if how == "other":
        others = [n for n, kind in ent.names if kind in ("other", "trading", "transliterated")]
        if ent.traditional and ent.traditional != legal:
            others.append(ent.traditional)
        return r.choice(others) if others else None
    raise ValueError(f"unknown variation {how!r}")


def _ambiguous(norm: str, how: str, own: set[str], postings: dict[str, list[frozenset[str]]]) -> bool:
    """A shortened name that another company's name also contains, or a lengthened one that
    contains another company's name, could mean either: not a fair label."""
    if how not in ("drop_word", "add_word"):
        return False
    toks = frozenset(norm.split())
    mine = {frozenset(o.split()) for o in own}
    for t in toks:
        for other in postings.get(t, ()):
            if other not in mine and (toks <= other if how == "drop_word" else other <= toks):
                return True
    return False


def _fake_word(r: random.Random, tokens: set[str]) -> str:
    while True:
        word = "".join(r.choice(W.FAKE_SYLLABLES) for _ in range(2)) + r.choice(("", "a", "on", "ix", "ara"))
        if word not in tokens:
            return word.capitalize()


def fabricated(r: random.Random, seen: set[str], tokens: set[str]) -> str:
    while True:
        p = r.random()
        gen = r.sample(W.INDUSTRY_GENERIC, 2)
        if p < 0.6:
            name = f"{_fake_word(r, tokens)} {gen[0]} {gen[1]}"
        elif p < 0.85:
            name = f"{r.choice(W.DESCRIPTORS)} {_fake_word(r, tokens)} {gen[0]}"
        else:
            name = (
                f"{_fake_word(r, tokens)} {r.choice(W.INDUSTRY_OTHER)} {r.choice(('Ltd', 'Limited', 'GmbH'))}"
            )
        if normalise_company(name) not in seen:
            return name


def employer_sample(
    n_names: int,
    n_entities: int,
    seed: int = 1,
    gleif_share: float = 0.15,
    fabricated_share: float = 0.1,
    sample_seed: int = 7,
) -> list[LabelledName]:
    """``n_names`` labelled employer names against ``entity_stream(n_entities, seed, gleif_share)``."""
    r = random.Random(sample_seed)
    n_fake = round(n_names * fabricated_share)
    picks = Counter(r.choices(range(n_entities), k=n_names - n_fake))
    factory = NameFactory()
    chosen: list[FakeEntity] = []
    for i, ent in enumerate(entity_stream(n_entities, seed, gleif_share, names=factory)):
        chosen.extend([ent] * picks.get(i, 0))
    seen = factory.seen
    tokens = {t for norm in seen for t in norm.split()}
    common = {t for w in _COMMON for t in normalise_company(w).split()}
    postings: dict[str, list[frozenset[str]]] = {}
    for norm in seen:
        toks = frozenset(norm.split())
        for t in toks - common:
            postings.setdefault(t, []).append(toks)
    kinds = [v for v, _ in VARIATIONS]
    weights = [w for _, w in VARIATIONS]
    out: list[LabelledName] = []
    for ent in chosen:
        own = {normalise_company(n) for n, _ in ent.names}
        if ent.traditional:
            own.add(normalise_company(ent.traditional))
        for _ in range(8):
            how = r.choices(kinds, weights)[0]
            name = vary(ent, how, r)
            norm = normalise_company(name) if name else ""
            if (
                name
                and norm
                and (norm in own or norm not in seen)
                and not _ambiguous(norm, how, own, postings)
            ):
                out.append(LabelledName(name, ent.entity_id, how))
                break
        else:
            out.append(LabelledName(ent.names[0][0], ent.entity_id, "exact"))
    out.extend(LabelledName(fabricated(r, seen, tokens), None, "fabricated") for _ in range(n_fake))
    r.shuffle(out)
    return out
