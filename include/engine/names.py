"""Company names reduced to what identifies the company, so that spelling variants compare equal.

"Halcyon Software Ltd.", "HALCYON SOFTWARE LIMITED" and "Ｈａｌｃｙｏｎ Software" are one employer; so
are "華為技術有限公司" and "华为技术有限公司". Legal forms carry no identity, so they go (cleanco's
term list for most languages plus the CJK forms cleanco lacks). What stays is compared by
``include.engine.resolve``; this module never decides whether two *different* strings match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cleanco.termdata import terms_by_country, terms_by_type
from rapidfuzz import fuzz

# Terms in cleanco's list that are also ordinary words in company names.
_NOT_LEGAL = frozenset({"uk", "eu", "private", "ent", "se", "et", "ok", "eg", "ca", "ec", "at"})
_EXTRA_TERMS = ("private limited", "pvt ltd", "pvt", "co ltd", "co limited", "corp ltd", "inc ltd", "sarl",
                "holding ag", "incorporated", "l l c",
                # legal forms spelt out, as some registers and people write them
                "aktiengesellschaft", "gesellschaft mit beschrankter haftung", "societe anonyme",
                "besloten vennootschap", "naamloze vennootschap", "public limited company",
                # romanised CJK legal forms, as transliterated registry names spell them
                "kabushiki kaisha", "kabushiki gaisha", "godo kaisha", "yugen kaisha", "youxian gongsi",
                "youxian zeren gongsi", "gufen youxian gongsi", "jituan youxian gongsi", "jusik hoesa",
                # abbreviated forms cleanco lacks, as written once the dots are gone ("Sp. z o.o.", "K.K.")
                "sp z oo", "sp zoo", "sp k", "sp j", "kk", "aps", "bv", "nv", "gesmbh", "ges m b h", "ek", "zrt",
                "kft", "jsc", "pjsc", "ojsc", "tbk", "s a", "sa de cv", "ltd sti", "sti", "as",
                "spolka z ograniczona odpowiedzialnoscia", "spolka akcyjna", "sociedad anonima de capital variable",
                "sociedad anonima", "societa per azioni", "societa a responsabilita limitata", "aktiebolag",
                "aksjeselskap", "allmennaksjeselskap", "osakeyhtio", "sociedade anonima", "naamloze vennootschap",
                "spółka z ograniczoną odpowiedzialnością", "spółka akcyjna", "spółka komandytowa")
_ROMANISED_PREFIXES = (("kabushiki", "kaisha"), ("kabushiki", "gaisha"), ("jusik", "hoesa"), ("pt",), ("ooo",),
                       ("oao",), ("zao",), ("pao",))
# Turkish registers spell out "Sanayi ve Ticaret Limited Şirketi" and people shorten every word of it
# ("San. ve Tic. Ltd. Şti."): a tail of these words that ends in a legal form says what kind of
# company, never which one, in full or abbreviated.
_TR_TAIL_WORDS = frozenset({"san", "sanayi", "sanayii", "tic", "ticaret", "ve", "ith", "ithalat", "ihr", "ihracat",
                            "paz", "pazarlama", "dis", "taah", "taahhut", "ltd", "limited", "sti", "sirketi", "as",
                            "anonim"})
_TR_LEGAL_END = frozenset({"sti", "sirketi", "as", "ltd", "limited"})
# A legal form glued to a CamelCase name, as GitHub company fields write it ("AcmeRoboticsLtd", "ExampleCorp").
_GLUED_LEGAL = re.compile(
    r"(?<=[a-z])(Ltd|Limited|Inc|Corp|Corporation|LLC|Llc|GmbH|Gmbh|AG|Plc|PLC|Pty|Pte|Srl|SpA|BV|NV|KK)(?=$|[^\w])"
)

# Longest first, so 股份有限公司 goes before 有限公司.
_CJK_SUFFIXES = (
    "集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司", "株式会社", "合同会社",
    "有限会社", "주식회사", "(주)", "集团", "公司",
)
_CJK_PREFIXES = ("株式会社", "有限会社", "合同会社", "주식회사", "(주)")

# Spellings of one word that company names use interchangeably ("Halcyon Tech" = "Halcyon Technologies").
CANONICAL_WORDS = {
    "technologies": "tech", "technology": "tech", "technol": "tech", "international": "intl",
    "laboratories": "labs", "laboratory": "labs", "lab": "labs", "manufacturing": "mfg",
    "corporation": "corp", "services": "svcs", "service": "svcs", "management": "mgmt", "systems": "sys",
    "system": "sys", "engineering": "eng", "associates": "assoc", "brothers": "bros", "centre": "center",
    "company": "co", "holdings": "holding", "solution": "solutions",
    # written abbreviations of the same words ("Lenovo Grp Ltd", "Tencent Hldgs")
    "grp": "group", "hldgs": "holding", "hldg": "holding", "hlds": "holding",
}

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SPACE_AROUND_CJK = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])\s+|\s+(?=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])"
)
_DROP = re.compile(r"[.'’`´]")
_DOT_COM = re.compile(r"\s+dot\s+(com|net|org|io)\b", re.IGNORECASE)  # "amazon dot com" = "amazon.com"
# A parenthesised tail: a country or jurisdiction code ("Siemens AG (DE)", "IBM Corp. (UK)") says
# where, not who; an initialism with its expansion ("AWS (Amazon Web Services)") is the expansion.
_PAREN = re.compile(r"^(?P<out>[^()]*?)\s*\((?P<in>[^()]*)\)\s*(?P<rest>[^()]*)$")
_COUNTRY_CODE = re.compile(r"^(?:[A-Z]{2}|USA|UAE|PRC|EU)$")
_PUNCT = re.compile(r"[^\w&\s]|_")


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


@lru_cache(maxsize=1)
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese (a no-op for text without CJK characters)."""
    if not has_cjk(text):
        return text
    return str(_t2s().convert(text))  # type: ignore[attr-defined]


def _strip_latin_accents(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.category(ch) == "Mn" and out and ord(out[-1]) < 0x250:
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _tokens(text: str) -> list[str]:
    text = _DROP.sub("", text)
    text = text.replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    text = _SPACE_AROUND_CJK.sub("", text)
    return text.split()


def _prepare_terms() -> list[tuple[str, ...]]:
    raw = set()
    for group in (*terms_by_type.values(), *terms_by_country.values()):
        raw.update(group)
    raw.update(_EXTRA_TERMS)
    terms = set()
    for term in raw:
        toks = tuple(_tokens(_strip_latin_accents(term.casefold())))
        if toks and not (len(toks) == 1 and toks[0] in _NOT_LEGAL):
            terms.add(toks)
    return sorted(terms, key=lambda t: (-len(t), t))


_TERMS = _prepare_terms()
# Every one-word legal form, the ambiguous ones too ("SE"): never a letter code telling companies apart.
LEGAL_WORDS = frozenset({t[0] for t in _TERMS if len(t) == 1} | _NOT_LEGAL)
_TERMS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _t in _TERMS:
    _TERMS_BY_LAST.setdefault(_t[-1], []).append(_t)


def _strip_legal(tokens: list[str]) -> list[str]:
    """Drop trailing legal forms repeatedly ("Foo Co., Ltd." -> "foo"); never drop the whole name."""
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for term in _TERMS_BY_LAST.get(tokens[-1], ()):
            n = len(term)
            if len(tokens) > n and tuple(tokens[-n:]) == term:
                del tokens[-n:]
                changed = True
                break
    return tokens


def _strip_tr_tail(tokens: list[str]) -> list[str]:
    """Drop a trailing Turkish company-kind phrase ("san ve tic ltd sti"), full or abbreviated."""
    if len(tokens) < 2 or tokens[-1] not in _TR_LEGAL_END and not {"san", "tic"} & set(tokens[-3:]):
        return tokens
    n = len(tokens)
    while n > 1 and tokens[n - 1] in _TR_TAIL_WORDS:
        n -= 1
    tail = tokens[n:]
    if len(tail) >= 2 and {"san", "sanayi", "tic", "ticaret", "sti", "sirketi"} & set(tail):
        return tokens[:n]
    return tokens


def _strip_cjk(token: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _CJK_SUFFIXES:
            if token.endswith(suffix) and len(token) > len(suffix):
                token = token[: -len(suffix)]
                changed = True
        for prefix in _CJK_PREFIXES:
            if token.startswith(prefix) and len(token) > len(prefix):
                token = token[len(prefix):]
                changed = True
    return token


@lru_cache(maxsize=1 << 18)
def normalise_company(name: str) -> str:
    """The identity-bearing part of a company name, lower case, single-spaced."""
    text = _DOT_COM.sub(r".\1", _unparenthesise(unicodedata.normalize("NFKC", name or "")))
    text = _GLUED_LEGAL.sub(r" \1", text)
    text = to_simplified(text).casefold()
    text = _strip_latin_accents(text)
    for cjk in ("(주)",):
        text = text.replace(cjk, " ")
    tokens = _tokens(text)
    if not tokens:
        return ""
    if tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    for prefix in _ROMANISED_PREFIXES:
        if tuple(tokens[: len(prefix)]) == prefix and len(tokens) > len(prefix):
            tokens = tokens[len(prefix):]
    tokens = _strip_tr_tail(_strip_legal(tokens))
    stripped = [_strip_cjk(t) if has_cjk(t) else CANONICAL_WORDS.get(t, t) for t in tokens]
    tokens = [t for t in stripped if t] or tokens
    return " ".join(tokens)


def _unparenthesise(text: str) -> str:
    """Drop a parenthesised country code; "ABC (Alpha Beta Corp)" becomes its expansion."""
    m = _PAREN.match(text)
    if not m or has_cjk(text):
        return text
    out, inner, rest = m["out"].strip(), m["in"].strip(), m["rest"].strip()
    if _COUNTRY_CODE.match(inner) and re.search(r"[^\W\d_]{2}", out):  # not "0700 (HK)": a ticker
        return f"{out} {rest}".strip()
    if not rest and out and inner:
        letters = _DROP.sub("", out).replace(" ", "")
        if letters.isupper() and 2 <= len(letters) <= 6 and letters.casefold() == acronym(normalise_company(inner)):
            return inner
    return text


_CANONICAL_LONGEST = sorted(CANONICAL_WORDS, key=len, reverse=True)


@lru_cache(maxsize=1 << 16)
def compact_key(norm: str) -> str:
    """A normalised name without spaces, its canonical words shortened inside glued words too
    ("republicservices" and "republic svcs" -> "republicsvcs") and "and" ("&") left out, as run-together
    names leave it out ("SettleLydfordLtd"); only ever compared whole."""
    text = "".join(t for t in norm.split() if t != "and")
    if has_cjk(text):
        return text
    for word in _CANONICAL_LONGEST:
        if len(word) >= 6 and word in text:
            text = text.replace(word, CANONICAL_WORDS[word])
    return text


def acronym(normalised: str) -> str:
    """Initials of a normalised Latin name ("international business machines" -> "ibm")."""
    return "".join(t[0] for t in normalised.split() if t != "and" and not has_cjk(t))


# ---- Chinese names in Latin letters -----------------------------------------------------------
# A Chinese name and its pinyin or English form are one employer (百度 = Baidu, 华为技术 = Huawei
# Technologies). The comparison key below is *added* beside ``normalise_company`` (whose output is a
# stored key and must not change): city and province prefixes become their pinyin as a word, industry
# words become the English word ``normalise_company`` leaves for the same word in a Latin name, and
# the rest (the brand) becomes toneless pinyin syllables joined into one word.
_CITY_PREFIXES = tuple(sorted((
    "北京市", "北京", "上海市", "上海", "深圳市", "深圳", "广州市", "广州", "杭州市", "杭州", "苏州市", "苏州",
    "成都市", "成都", "南京市", "南京", "武汉市", "武汉", "天津市", "天津", "重庆市", "重庆", "西安市", "西安",
    "青岛市", "青岛", "厦门市", "厦门", "大连市", "大连", "宁波市", "宁波", "无锡市", "无锡", "合肥市", "合肥",
    "长沙市", "长沙", "郑州市", "郑州", "济南市", "济南", "沈阳市", "沈阳", "东莞市", "东莞", "佛山市", "佛山",
    "珠海市", "珠海", "香港", "台湾", "台北", "中国", "浙江省", "浙江", "广东省", "广东", "江苏省", "江苏",
    "山东省", "山东", "福建省", "福建", "四川省", "四川", "湖北省", "湖北", "贵州省", "贵州", "内蒙古",
), key=len, reverse=True))
_CITY_LATIN = {"中国": "china", "香港": "hong kong", "台湾": "taiwan", "内蒙古": "inner mongolia"}
_INDUSTRY_WORDS = {
    "信息技术": "information tech", "网络科技": "network tech", "科技": "tech", "技术": "tech", "信息": "information",
    "软件": "software", "网络": "network", "电子": "electronics", "通信": "communications", "通讯": "communications",
    "集团": "group", "控股": "holding", "国际": "intl", "数据": "data", "系统": "sys", "服务": "svcs", "智能": "smart",
    "设备": "devices", "银行": "bank", "保险": "insurance", "证券": "securities", "汽车": "motor", "电器": "appliances",
    "电气": "electric", "能源": "energy", "新能源": "new energy", "医药": "pharmaceutical", "制药": "pharmaceutical",
    "医疗": "medical", "物流": "logistics", "投资": "investment", "贸易": "trading", "实业": "industrial",
    "工业": "industry", "发展": "development", "咨询": "consulting", "管理": "mgmt", "电力": "power", "化工": "chemical",
    "航空": "airlines", "精密": "precision", "机械": "machinery", "半导体": "semiconductor", "生物": "bio",
    "传媒": "media", "文化": "culture", "娱乐": "entertainment", "计算机": "computer", "数字": "digital",
    "创新": "innovation", "股份": "", "企业": "enterprise", "工程": "eng", "建设": "construction",
    "研究院": "research", "研究所": "research", "在线": "online", "数码": "digital", "测控": "instruments",
}
_INDUSTRY_SUFFIXES = tuple(sorted(_INDUSTRY_WORDS, key=len, reverse=True))
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")


@lru_cache(maxsize=1)
def _pinyin() -> object:
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def split_cjk_name(token: str) -> tuple[list[str], str, list[str]]:
    """(city / province prefixes, the brand in the middle, industry suffixes) of a run of Chinese."""
    prefixes: list[str] = []
    suffixes: list[str] = []
    changed = True
    while changed:
        changed = False
        for city in _CITY_PREFIXES:
            if token.startswith(city) and len(token) > len(city):
                prefixes.append(city)
                token = token[len(city):]
                changed = True
                break
    changed = True
    while changed:
        changed = False
        for word in _INDUSTRY_SUFFIXES:
            if token.endswith(word) and len(token) > len(word):
                suffixes.insert(0, word)
                token = token[: -len(word)]
                changed = True
                break
        for city in _CITY_PREFIXES:  # "腾讯科技深圳": a city after the name, from "(深圳)"
            if token.endswith(city) and len(token) > len(city):
                token = token[: -len(city)]
                changed = True
                break
    return prefixes, token, suffixes


@lru_cache(maxsize=1 << 16)
def cjk_latin_key(norm: str) -> str:
    """The Latin-letter comparison key of a normalised name with Chinese characters ("" when it has
    none, or has Japanese kana / Korean hangul, whose romanisation pinyin does not give).

    "华为技术" -> "huawei tech", "北京百度网讯科技" -> "beijing baiduwangxun tech", "百度" -> "baidu".
    """
    if not has_cjk(norm) or _KANA_HANGUL.search(norm):
        return ""
    lazy_pinyin = _pinyin()
    out: list[str] = []
    for token in norm.split():
        for run in _HAN_RUN.findall(token):
            if not has_cjk(run):
                out.append(run)
                continue
            if out and run in _INDUSTRY_WORDS:  # "TCL科技": an industry word after a Latin brand
                out.append(_INDUSTRY_WORDS[run])
                continue
            prefixes, brand, suffixes = split_cjk_name(run)
            out.extend(_CITY_LATIN.get(c.removesuffix("市").removesuffix("省"),
                                       "".join(lazy_pinyin(c.removesuffix("市").removesuffix("省"))))  # type: ignore[operator]
                       for c in prefixes)
            out.append("".join(lazy_pinyin(brand)))  # type: ignore[operator]
            out.extend(w for s in suffixes if (w := _INDUSTRY_WORDS[s]))
    return " ".join(w for t in out for w in t.split())


def looks_like_abbreviation(name: str) -> bool:
    """An employer written as a short capitalised form ("MSFT", "XYZ Ltd", "I.B.M."): a ticker or an
    initialism that says which company only to someone who already knows it."""
    norm = normalise_company(name)
    toks = norm.split()
    if not toks or has_cjk(norm) or len(toks) > 2:
        return False
    core = toks[-1]
    if not (2 <= len(core) <= 5 and core.isalnum()):
        return False
    raw_words = [w for w in re.split(r"[\s:,()]+", unicodedata.normalize("NFKC", name)) if w]
    letters = [w for w in raw_words if _DROP.sub("", w).casefold() in toks]
    return bool(letters) and all(w.isupper() for w in letters)


def normalise_name(name: str) -> str:
    """The look-up key of an employer name: its company normalisation, else its folded words."""
    return normalise_company(name) or " ".join((name or "").casefold().split())


# ---- Japanese kana and Korean hangul against a Latin name --------------------------------------
# A katakana company name is mostly the sound of its Latin name (ソニー = Sony, パナソニック =
# Panasonic); a hangul one is its Korean reading (삼성 = Samsung). No kana or hangul romaniser is a
# dependency, so kana are read with the Hepburn table below and hangul with text-unidecode (Revised
# Romanisation); both sides are then reduced to a consonant skeleton that survives the vowels
# Japanese inserts, long-vowel marks, doubled consonants and l/r, v/b, c/k spellings.
_KANA = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so", "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te",
    "ト": "to", "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no", "ハ": "ha", "ヒ": "hi", "フ": "fu",
    "ヘ": "he", "ホ": "ho", "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo", "ヤ": "ya", "ユ": "yu",
    "ヨ": "yo", "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro", "ワ": "wa", "ヲ": "o", "ン": "n",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go", "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze",
    "ゾ": "zo", "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do", "バ": "ba", "ビ": "bi", "ブ": "bu",
    "ベ": "be", "ボ": "bo", "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po", "ヴ": "bu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "ya", "ュ": "yu", "ョ": "yo", "ヮ": "wa",
}
# Kana words and kanji that say what or where, not which company (removed before comparing).
_JA_GENERIC = tuple(sorted((
    "ホールディングス", "グループ", "ジャパン", "コーポレーション", "カンパニー", "インターナショナル", "テクノロジーズ",
    "テクノロジー", "システムズ", "ソリューションズ", "エレクトロニクス", "日本", "自動車", "電機", "電気", "工業",
    "重工業", "製作所", "化学", "製薬", "銀行", "商事", "建設", "電子", "精機", "不動産", "鉄道", "航空", "証券", "保険",
    "産業", "通信", "情報", "技術", "研究所", "販売", "物流", "食品", "本社", "支社", "工場",
    "전자", "자동차", "그룹", "홀딩스", "코리아", "건설", "중공업", "화학", "은행", "증권", "보험", "통신", "제약",
), key=len, reverse=True))
# normalised names are in simplified characters (自動車 -> 自动车), so the table holds both spellings
_JA_GENERIC = tuple(sorted({*_JA_GENERIC, *(to_simplified(w) for w in _JA_GENERIC)}, key=len, reverse=True))
_LATIN_SCRIPT_GENERIC = frozenset({"japan", "nippon", "korea", "motor", "motors", "electric", "industries",
                                   "industry", "heavy", "chemical", "pharmaceutical", "trading", "works",
                                   "construction", "railway", "airlines", "securities", "real", "estate",
                                   "corporation", "corp", "electronics", "tech", "holding", "group", "co"})
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
_KANA_RE = re.compile(r"[\u3040-\u30ff]")


def kana_to_romaji(text: str) -> str:
    """Hepburn romaji of kana (hiragana folded to katakana); other characters are left out."""
    out: list[str] = []
    double = False
    for ch in text:
        if "\u3041" <= ch <= "\u3096":
            ch = chr(ord(ch) + 0x60)
        if ch in "ッ":
            double = True
            continue
        if ch == "ー":
            if out and out[-1]:
                out.append(out[-1][-1])
            continue
        if ch in _SMALL_Y and out and out[-1].endswith("i") and len(out[-1]) >= 2:
            prev = out.pop()[:-1]
            out.append(prev + ("" if prev in ("sh", "ch", "j") else "y") + _SMALL_Y[ch])
            continue
        if ch in "ァィゥェォ" and out and len(out[-1]) >= 2:  # ファ fa, ティ ti, ウィ wi
            out.append(out.pop()[:-1] + _KANA[ch])
            continue
        roma = _KANA.get(ch)
        if roma is None:
            continue
        if double and roma[0] not in "aeiou":
            roma = roma[0] + roma
        double = False
        out.append(roma)
    return "".join(out)


def _sounds(latin: str) -> str:
    """Latin letters spelt the way a Japanese or Korean reading spells the same sounds."""
    return "".join(_word_sounds(w) for w in latin.split())


def _word_sounds(word: str) -> str:
    s = re.sub(r"[^a-z]", "", word)
    s = re.sub(r"(?<=[aeiou])r(?=[^aeiouy]|$)", "", s)  # English r after a vowel is silent to Japanese ears
    s = re.sub(r"(?<=[aeiou])h(?=[^aeiouy]|$)", "", s)  # and so is h ("Ricoh")
    s = re.sub(r"dg(?=[ei])", "j", s)  # "Bridgestone"
    s = re.sub(r"m$", "n", s)  # a final m is written ン ("Capcom")
    for a, b in (("sch", "sh"), ("ph", "f"), ("ck", "k"), ("tsu", "t"), ("ts", "t"), ("th", "s"), ("qu", "k"),
                 ("x", "ks"), ("ce", "se"), ("ci", "si"), ("cy", "si"), ("c", "k"), ("q", "k"), ("l", "r"),
                 ("v", "b"), ("shi", "si"), ("sh", "s"), ("chi", "ti"), ("ch", "t"), ("ji", "zi"), ("j", "z"),
                 ("fu", "hu"), ("f", "h"), ("y", "i"), ("w", ""), ("gu", "g")):
        s = s.replace(a, b)
    s = re.sub(r"n(?=[pbm])", "m", s)  # Hepburn writes ン before p, b, m as m
    return re.sub(r"(.)\1+", r"\1", s)


def _skeleton(latin: str) -> str:
    """The consonants of ``_sounds``: what survives inserted vowels and long-vowel marks."""
    return re.sub(r"[aeiou]", "", _sounds(latin))


def same_sound(script: str, latin_norm: str) -> bool:
    """Whether a kana or hangul name reads as the Latin name (its distinctive words, or all of it)."""
    key = script_key(script)
    if not key:
        return False
    roman = _script_roman(script)
    toks = latin_norm.split()
    core = [t for t in toks if t not in _LATIN_SCRIPT_GENERIC]
    need = 60 if _HANGUL_RE.search(script) else (70 if len(key) == 3 else 80)
    for cand in {" ".join(toks), " ".join(core), core[0] if core else ""} - {""}:
        if _skeleton(cand) != key:
            continue
        # a short skeleton is shared by many names ("sn": Sony, Sanyo): the vowels must agree too
        if len(key) >= 4 or fuzz.ratio(_sounds(roman), _sounds(cand)) >= need:
            return True
    return False


def script_key(norm: str) -> str:
    """The consonant skeleton of a kana or hangul name's distinctive part ("" when it has none, or
    carries kanji no table here reads)."""
    if not (_KANA_RE.search(norm) or _HANGUL_RE.search(norm)):
        return ""
    text = _script_distinctive(norm)
    if re.search(r"[\u3400-\u4dbf\u4e00-\u9fff]", text) or re.search(r"[a-z0-9]", text):
        return ""
    key = _skeleton(_script_roman(text))
    return key if len(key) >= 2 else ""


def _script_distinctive(norm: str) -> str:
    text = norm.replace(" ", "")
    for word in _JA_GENERIC:
        if text != word:
            text = text.replace(word, "")
    return text


@lru_cache(maxsize=1 << 14)
def _script_roman(norm: str) -> str:
    text = _script_distinctive(norm)
    if _HANGUL_RE.search(text):
        from text_unidecode import unidecode

        return str(unidecode(text)).lower()
    return kana_to_romaji(text)


# ---- Written short: a site after the name, initials, a partial acronym --------------------------
# "Acme Gdansk Plant", "Acme Werk Leipzig", "深圳工厂": where the person worked, not another employer.
SITE_WORDS = frozenset({"plant", "factory", "site", "facility", "branch", "werk", "usine", "fabrik", "campus",
                        "depot", "warehouse", "refinery", "smelter"})  # not "works": "Japan Steel Works"
_CJK_SITE_SUFFIXES = ("分公司", "工厂", "工场", "办事处", "支社", "工场")


def site_stripped(norm: str) -> list[str]:
    """The name without a site qualifier ("acme gdansk plant" -> ["acme gdansk", "acme"]), most
    likely first; [] when it has none."""
    toks = norm.split()
    out: list[str] = []
    for i, t in enumerate(toks):
        if t in SITE_WORDS and i >= 1 and i < len(toks) - 1 or t in SITE_WORDS and i >= 2:
            out.append(" ".join(toks[:i]))
            if i >= 2:
                out.append(" ".join(toks[: i - 1]))
            break
    if not out and toks and has_cjk(toks[-1]):
        for suffix in _CJK_SITE_SUFFIXES:
            if toks[-1].endswith(suffix) and len(toks[-1]) > len(suffix) + 1:
                head = toks[-1][: -len(suffix)]
                out.append(" ".join([*toks[:-1], head]))
                _, brand, _ = split_cjk_name(head)
                if brand != head:  # "华信深圳工厂": the city before the site goes too
                    out.append(" ".join([*toks[:-1], head[: head.index(brand) + len(brand)]]))
                break
    return [o for o in dict.fromkeys(out) if o and o != norm]


def initials_agree(na: str, nb: str) -> bool:
    """"j meier" = "johann meier": the same words, some written as their initial, and at least one
    full word of three letters or more the same on both sides."""
    ta, tb = na.split(), nb.split()
    if len(ta) != len(tb) or len(ta) < 2 or has_cjk(na) or has_cjk(nb):
        return False
    initials = full = 0
    for x, y in zip(ta, tb, strict=True):
        if x == y:
            full += len(x) >= 3
        elif (len(x) == 1 and y.startswith(x) and len(y) > 1) or (len(y) == 1 and x.startswith(y) and len(x) > 1):
            initials += 1
        else:
            return False
    return initials >= 1 and full >= 1


def partial_acronym(na: str, nb: str) -> bool:
    """"hitachi cm" = "hitachi construction machinery": the same leading words, then the other's
    remaining words as one initialism of two letters or more."""
    for short, long_ in ((na.split(), nb.split()), (nb.split(), na.split())):
        if len(short) < 2 or len(long_) < len(short) + 1:
            continue
        head, last = short[:-1], short[-1]
        if long_[: len(head)] != head or not (2 <= len(last) <= 5) or has_cjk(last):
            continue
        rest = long_[len(head):]
        if len(rest) == len(last) and "".join(w[0] for w in rest) == last:
            return True
    return False


# ---- Japanese kanji against a Latin name (pykakasi) ---------------------------------------------
# 本田技研工業 is Honda Motor and 東芝 is Toshiba: kanji names are read with pykakasi (its Hepburn
# romaji), from the name as written, since ``normalise_company`` turns Japanese kanji into simplified
# Chinese (東芝 -> 东芝), which pykakasi does not read. The reading is then compared like a kana one.
_KANJI_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Words that name a kind of business ("... Electric", 電機): when both names carry one and they differ,
# the names are two companies of one group (三菱電機 is not Mitsubishi Heavy Industries).
_JA_INDUSTRY = {
    "電機": "electric", "電気": "electric", "重工業": "heavy", "自動車": "motor", "化学": "chemical",
    "製薬": "pharmaceutical", "薬品": "pharmaceutical", "銀行": "bank", "商事": "trading", "物産": "trading",
    "不動産": "estate", "建設": "construction", "証券": "securities", "保険": "insurance", "鉄道": "railway",
    "航空": "airlines", "製鉄": "steel", "鉄鋼": "steel", "印刷": "printing", "電子": "electronics",
    "通信": "communications", "海運": "shipping", "石油": "oil", "ガス": "gas", "電力": "power", "食品": "foods",
}
_LATIN_INDUSTRY = {"electric": "electric", "heavy": "heavy", "motor": "motor", "motors": "motor",
                   "chemical": "chemical", "chemicals": "chemical", "pharmaceutical": "pharmaceutical",
                   "pharma": "pharmaceutical", "bank": "bank", "trading": "trading", "estate": "estate",
                   "construction": "construction", "securities": "securities", "insurance": "insurance",
                   "railway": "railway", "airlines": "airlines", "steel": "steel", "printing": "printing",
                   "electronics": "electronics", "communications": "communications", "shipping": "shipping",
                   "oil": "oil", "gas": "gas", "power": "power", "foods": "foods",
                   # the same words romanised, as English names of Japanese companies keep them
                   "denki": "electric", "jukogyo": "heavy", "kagaku": "chemical", "seiyaku": "pharmaceutical",
                   "ginko": "bank", "shoji": "trading", "bussan": "trading", "fudosan": "estate",
                   "kensetsu": "construction", "shoken": "securities", "tetsudo": "railway", "kaiun": "shipping",
                   "sekiyu": "oil", "denryoku": "power"}
_JA_READING_GENERIC = tuple(sorted({*_JA_GENERIC, *_JA_INDUSTRY, "技研", "興業", "製鋼", "商会"}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _kakasi() -> object:
    import pykakasi

    return pykakasi.kakasi()


@lru_cache(maxsize=1 << 14)
def _japanese_reading(raw: str) -> tuple[str, frozenset[str]]:
    """(Hepburn reading of a Japanese name's distinctive part, the kinds of business its words name);
    ("", ...) when the name has no kanji, has hangul or Latin letters, or nothing distinctive."""
    text = unicodedata.normalize("NFKC", raw or "")
    if not _KANJI_RE.search(text) or _HANGUL_RE.search(text) or re.search(r"[A-Za-z0-9]", text):
        return "", frozenset()
    text = _strip_cjk("".join(ch for ch in text if has_cjk(ch) or ch == "ー"))
    kinds = frozenset(v for k, v in _JA_INDUSTRY.items() if k in text)
    for word in _JA_READING_GENERIC:
        if text != word:
            text = text.replace(word, "")
    items = _kakasi().convert(text)  # type: ignore[attr-defined]
    reading = "".join(str(x["hepburn"]) for x in items)
    return re.sub(r"[^a-z]", "", reading.lower()), kinds


def same_reading(raw_cjk: str, latin_norm: str) -> bool:
    """Whether a Japanese name with kanji, read aloud, is the Latin name (本田技研工業 = honda motor),
    its distinctive words or all of it, and no word naming another kind of business on both sides."""
    reading, kinds = _japanese_reading(raw_cjk)
    if not reading:
        return False
    latin_kinds = {_LATIN_INDUSTRY[t] for t in latin_norm.split() if t in _LATIN_INDUSTRY}
    if kinds and latin_kinds and not kinds & latin_kinds:
        return False
    key = _skeleton(reading)
    if len(key) < 2:
        return False
    toks = latin_norm.split()
    core = [t for t in toks if t not in _LATIN_SCRIPT_GENERIC and t not in _LATIN_INDUSTRY and t != "and"]
    for cand in {" ".join(toks), " ".join(core), core[0] if core else ""} - {""}:
        if _skeleton(cand) == key and (len(key) >= 4 or fuzz.ratio(_sounds(reading), _sounds(cand)) >= 70):
            return True
    return False
