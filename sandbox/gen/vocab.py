"""Which pools of names and title wordings a world is built from: ``default`` or ``holdout``.

The default vocabulary is what the sandbox always used (``words``) plus ``pools_default``; the
held-out one swaps every pool of company words, fabricated words, brands, tickers, Chinese names,
real companies and title variants for ``pools_holdout``. Industry words, cities, people and reviews
are shared: they carry no identity the engine could be tuned on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

from sandbox.gen import pools_default, pools_holdout
from sandbox.gen import words as W

NAMES = ("default", "holdout")
HOLDOUT_SEED = 2027  # the seed `make evaluate` builds the held-out world with


@dataclass(frozen=True)
class Vocabulary:
    name: str
    real_words: tuple[str, ...]
    fake_words: tuple[str, ...]
    overflow_heads: tuple[str, ...]
    overflow_tails: tuple[str, ...]
    zh_words: tuple[tuple[str, str], ...]
    jp_companies: tuple[tuple[str, str, str, str], ...]
    brands: tuple[tuple[str, str, str, str, str, str], ...]
    sub_brands: dict[str, tuple[str, str]]
    zh_brands: tuple[tuple[str, str, str, str, str], ...]
    zh_namesakes: tuple[tuple[str, str], ...]
    real: tuple[tuple[Any, ...], ...]
    title_words: dict[str, list[str]]
    zh_titles: dict[str, str]
    zh_title_script: str

    def real_variants(self) -> dict[str, str]:
        """Every written variant of a real company -> its legal name (general knowledge, not a register)."""
        return {v: legal for legal, *_rest, variants in self.real for v in variants}


def _of(name: str, base: ModuleType, pools: ModuleType) -> Vocabulary:
    def pick(attr: str) -> Any:
        return getattr(pools, attr, None) if hasattr(pools, attr) else getattr(base, attr)

    return Vocabulary(
        name=name, real_words=tuple(pick("REAL_WORDS")), fake_words=tuple(pick("FAKE_WORDS")),
        overflow_heads=tuple(pick("OVERFLOW_HEADS")), overflow_tails=tuple(pick("OVERFLOW_TAILS")),
        zh_words=tuple(pick("ZH_WORDS")), jp_companies=tuple(pick("JP_COMPANIES")),
        brands=tuple(pools.BRANDS), sub_brands=dict(pools.SUB_BRANDS), zh_brands=tuple(pools.ZH_BRANDS),
        zh_namesakes=tuple(pools.ZH_NAMESAKES), real=tuple(tuple(r) for r in pools.REAL),
        title_words={k: list(v) for k, v in pools.TITLE_WORDS.items()}, zh_titles=dict(pools.ZH_TITLES),
        zh_title_script=pools.ZH_TITLE_SCRIPT)


@cache
def get(name: str = "default") -> Vocabulary:
    if name == "default":
        return _of(name, W, pools_default)
    if name == "holdout":
        return _of(name, W, pools_holdout)
    raise ValueError(f"unknown vocabulary {name!r}: choose one of {', '.join(NAMES)}")


@lru_cache(maxsize=4096)
def convert(text: str, script: str) -> str:
    """Simplified Chinese to traditional (OpenCC ``s2t``, or ``s2twp`` for Taiwan phrasing)."""
    from opencc import OpenCC

    return str(OpenCC(script).convert(text))


def pinyin(text: str) -> str:
    """Chinese to capitalised pinyin words ("星河未来" -> "Xinghe Weilai"), two syllables a word."""
    from pypinyin import lazy_pinyin

    syl = lazy_pinyin(convert(text, "t2s"))
    return " ".join("".join(syl[i:i + 2]).capitalize() for i in range(0, len(syl), 2))
