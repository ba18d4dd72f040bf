"""Guess a text's language from its script and a few telltale letters.

Good enough to tag a clipped source (``en``, ``ru``, ``tg``, ``zh``, ``fa``,
``ar`` ...): the analyst can correct it. No model, no dictionary beyond a
handful of function words for Latin-script languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_TAJIK = set("ғӣқӯҳҷҒӢҚӮҲҶ")
_UKRAINIAN = set("іїєґІЇЄҐ")
_BELARUSIAN = set("ўЎ")
_KAZAKH = set("әөұүңһӘӨҰҮҢҺ")
_KYRGYZ = set("өүңӨҮҢ")
_PERSIAN = set("پچژگیکۀ")
_ARABIC_ONLY = set("يكةى")
_URDU = set("ٹڈڑںےھ")
_PASHTO = set("ټډړږښګڼېۍ")


def _ws(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _ws("the and of to in is that for with was on are by from has have said"),
    "fr": _ws("le la les des et est une dans que pour qui sur pas au du avec"),
    "de": _ws("der die das und ist nicht mit den von zu sich auf für eine dem"),
    "es": _ws("el la los las y de que en es por con para una del se su"),
    "pt": _ws("o a os as e de que em um uma para com não do da é"),
    "it": _ws("il la di che e un una per con non sono del della gli è"),
    "tr": _ws("ve bir bu için ile da de olan çok gibi daha ama en"),
    "uz": _ws("va bilan uchun bu bir ham edi ekan qilib esa"),
}

_WORD = re.compile(r"[^\W\d_]+")


def _script(c: str) -> str:
    o = ord(c)
    if 0x0400 <= o <= 0x052F:
        return "cyrillic"
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
        return "arabic"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
        return "hangul"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF:
        return "han"
    if 0x0590 <= o <= 0x05FF:
        return "hebrew"
    if 0x0370 <= o <= 0x03FF:
        return "greek"
    if 0x0900 <= o <= 0x097F:
        return "devanagari"
    if 0x0E00 <= o <= 0x0E7F:
        return "thai"
    if 0x10A0 <= o <= 0x10FF:
        return "georgian"
    if 0x0530 <= o <= 0x058F:
        return "armenian"
    if c.isascii() or unicodedata.name(c, "").startswith("LATIN"):
        return "latin"
    return "other"


_SIMPLE = {
    "hangul": "ko",
    "hebrew": "he",
    "greek": "el",
    "devanagari": "hi",
    "thai": "th",
    "georgian": "ka",
    "armenian": "hy",
}


def _share(letters: Counter[str], chars: set[str], total: int) -> float:
    return sum(letters[c] for c in chars) / max(total, 1)


def guess_language(text: str) -> str | None:
    """Guess the language of ``text`` as an ISO 639-1 code.

    Args:
        text: any amount of text; only the first 20,000 characters are read.

    Returns:
        ``'en'``, ``'ru'``, ``'tg'``, ``'zh'``, ``'fa'``, ``'ar'`` ... or None
        when there is too little text or the script gives no answer.
    """
    sample = text[:20000]
    letters = Counter(c for c in sample if c.isalpha())
    if sum(letters.values()) < 3:
        return None
    scripts: Counter[str] = Counter()
    for c, n in letters.items():
        scripts[_script(c)] += n
    # A Han character is a word; weigh it against alphabets' letters.
    scripts["han"] *= 2
    scripts["kana"] *= 2
    main, count = scripts.most_common(1)[0]
    if main == "kana" or (main == "han" and scripts["kana"] > count * 0.05):
        return "ja"
    if main == "han":
        return "zh"
    if main in _SIMPLE:
        return _SIMPLE[main]
    if main == "cyrillic":
        if _share(letters, _TAJIK, count) > 0.004:
            return "tg"
        if _share(letters, _KAZAKH - _KYRGYZ, count) > 0.004:
            return "kk"
        if _share(letters, _UKRAINIAN, count) > 0.01:
            return "uk"
        if _share(letters, _BELARUSIAN, count) > 0.004:
            return "be"
        if _share(letters, _KYRGYZ, count) > 0.01:
            return "ky"
        return "ru"
    if main == "arabic":
        if _share(letters, _PASHTO, count) > 0.005:
            return "ps"
        if _share(letters, _URDU, count) > 0.01:
            return "ur"
        persian = _share(letters, _PERSIAN, count)
        arabic = _share(letters, _ARABIC_ONLY, count)
        if persian > 0.01 and persian >= arabic:
            return "fa"
        return "ar"
    if main == "latin":
        words = [w.casefold() for w in _WORD.findall(sample)]
        scores = {lang: sum(1 for w in words if w in sw) for lang, sw in _STOPWORDS.items()}
        lang, best = max(scores.items(), key=lambda kv: kv[1])
        if best >= 2 or (best >= 1 and len(words) < 8):
            return lang
        return None
    return None
