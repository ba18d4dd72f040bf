"""A deterministic generated corpus of passages for benchmarks (no external data).

``generate(n, seed=1)`` yields :class:`IndexDoc` values mixing English, Russian and
Chinese paragraphs of 300-2,000 characters, tags from a hierarchy, ~200 sources,
grades and dates. Same ``n`` and ``seed`` -> same passages.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from desk.core.types import IndexDoc

EN = [
    "border",
    "security",
    "cooperation",
    "military",
    "exercise",
    "joint",
    "patrol",
    "counterterrorism",
    "agreement",
    "ministry",
    "defence",
    "official",
    "statement",
    "report",
    "analyst",
    "region",
    "province",
    "district",
    "road",
    "construction",
    "investment",
    "loan",
    "infrastructure",
    "railway",
    "pipeline",
    "customs",
    "checkpoint",
    "smuggling",
    "narcotics",
    "trafficking",
    "militant",
    "group",
    "insurgency",
    "attack",
    "clash",
    "refugee",
    "humanitarian",
    "aid",
    "delegation",
    "visit",
    "president",
    "government",
    "parliament",
    "election",
    "protest",
    "arrest",
    "detention",
    "court",
    "sentence",
    "police",
    "guard",
    "outpost",
    "mountain",
    "valley",
    "river",
    "corridor",
    "training",
    "equipment",
    "drone",
    "surveillance",
    "intelligence",
    "sharing",
    "base",
    "facility",
    "garrison",
    "trade",
    "market",
    "energy",
    "electricity",
    "mining",
    "gold",
    "silver",
    "aluminium",
    "company",
    "contract",
    "diplomatic",
    "summit",
    "bilateral",
    "multilateral",
    "organisation",
    "treaty",
    "sovereignty",
    "territory",
    "dispute",
    "concession",
    "negotiation",
    "tension",
    "stability",
    "threat",
    "extremism",
    "recruitment",
    "transport",
    "highway",
    "tunnel",
    "bridge",
    "airport",
    "sanction",
    "embargo",
    "economy",
    "debt",
    "budget",
    "the",
    "of",
    "and",
    "in",
    "to",
    "a",
    "for",
    "on",
    "with",
    "by",
    "from",
    "that",
    "was",
    "were",
    "has",
    "have",
    "will",
    "said",
    "according",
    "local",
    "regional",
    "national",
    "foreign",
    "chinese",
    "tajik",
    "afghan",
    "russian",
    "kyrgyz",
    "uzbek",
    "security",
    "forces",
    "troops",
    "officers",
    "soldiers",
    "commanders",
    "battalion",
    "brigade",
    "unit",
]
EN_NAMES = [
    "Rahmon",
    "Dushanbe",
    "Khorog",
    "Murghab",
    "Wakhan",
    "Badakhshan",
    "Gorno",
    "Pamir",
    "Kulma",
    "Beijing",
    "Xinjiang",
    "Kashgar",
    "Taliban",
    "Kabul",
    "Ishkashim",
    "Vanj",
    "Rasht",
    "Khatlon",
    "Panj",
    "Shaymak",
    "Jamaat",
    "Ansarullah",
    "CSTO",
    "SCO",
    "Tashkent",
    "Moscow",
    "Bishkek",
    "Karakoram",
    "Sarikol",
    "Tashkurgan",
]
RU = [
    "граница",
    "безопасность",
    "сотрудничество",
    "военные",
    "учения",
    "совместный",
    "патруль",
    "соглашение",
    "министерство",
    "обороны",
    "заявление",
    "отчёт",
    "регион",
    "область",
    "район",
    "дорога",
    "строительство",
    "инвестиции",
    "кредит",
    "железная",
    "дорога",
    "трубопровод",
    "таможня",
    "контрабанда",
    "наркотики",
    "боевики",
    "группировка",
    "нападение",
    "столкновение",
    "беженцы",
    "помощь",
    "делегация",
    "визит",
    "президент",
    "правительство",
    "парламент",
    "выборы",
    "протест",
    "арест",
    "суд",
    "полиция",
    "пограничники",
    "застава",
    "горы",
    "долина",
    "река",
    "коридор",
    "обучение",
    "техника",
    "беспилотник",
    "разведка",
    "база",
    "торговля",
    "рынок",
    "энергетика",
    "добыча",
    "золото",
    "компания",
    "контракт",
    "саммит",
    "договор",
    "территория",
    "спор",
    "напряжённость",
    "стабильность",
    "угроза",
    "экстремизм",
    "Таджикистан",
    "Таджикистане",
    "Таджикистана",
    "Китай",
    "Китая",
    "Китаем",
    "Афганистан",
    "Афганистана",
    "Душанбе",
    "Хорог",
    "Памир",
    "Бадахшан",
    "Рахмон",
    "Ваханский",
    "коридор",
    "Тоҷикистон",
    "ҳукумат",
    "қӯшун",
    "марз",
    "ғайриқонунӣ",
]
ZH = [
    "塔吉克斯坦",
    "中国",
    "阿富汗",
    "边境",
    "安全",
    "合作",
    "军事",
    "演习",
    "联合",
    "巡逻",
    "反恐",
    "协议",
    "国防部",
    "官员",
    "声明",
    "报告",
    "地区",
    "省",
    "道路",
    "建设",
    "投资",
    "贷款",
    "基础设施",
    "铁路",
    "管道",
    "海关",
    "检查站",
    "走私",
    "毒品",
    "武装",
    "分子",
    "袭击",
    "冲突",
    "难民",
    "援助",
    "代表团",
    "访问",
    "总统",
    "政府",
    "议会",
    "选举",
    "警察",
    "边防",
    "哨所",
    "山区",
    "河谷",
    "走廊",
    "训练",
    "装备",
    "无人机",
    "情报",
    "基地",
    "贸易",
    "市场",
    "能源",
    "矿业",
    "黄金",
    "公司",
    "合同",
    "峰会",
    "条约",
    "领土",
    "争端",
    "紧张",
    "稳定",
    "威胁",
    "极端主义",
    "瓦罕走廊",
    "杜尚别",
    "帕米尔",
    "新疆",
    "喀什",
    "塔什库尔干",
    "与",
    "的",
    "在",
    "和",
]
TAGS = [
    "actor/china", "actor/china/pla", "actor/china/pap", "actor/tajikistan",
    "actor/tajikistan/gkbn", "actor/taliban", "actor/russia", "actor/csto",
    "place/wakhan", "place/gbao", "place/gbao/murghab", "place/gbao/khorog",
    "place/khatlon", "place/xinjiang", "place/afghanistan/badakhshan",
    "topic/border", "topic/base", "topic/drugs", "topic/debt", "topic/mining",
    "topic/exercise", "topic/cct", "method/osint", "method/satellite", "status/verify",
]  # fmt: skip
LANGS = ("en", "ru", "zh")
PUBLISHERS = (
    "Eurasianet", "RFE/RL", "Asia-Plus", "Xinhua", "TASS", "Fergana", "The Diplomat",
    "Global Times", "Ozodi", "Sputnik Tajikistan", "Reuters", "AKIpress",
)  # fmt: skip


FUNCTION = {
    "en": [
        "the",
        "of",
        "and",
        "in",
        "to",
        "a",
        "for",
        "on",
        "with",
        "by",
        "from",
        "that",
        "was",
        "were",
        "has",
        "have",
        "will",
        "said",
    ],
    "ru": [
        "и",
        "в",
        "на",
        "с",
        "по",
        "что",
        "не",
        "как",
        "из",
        "для",
        "от",
        "о",
        "к",
        "за",
        "это",
        "его",
    ],
    "zh": ["的", "在", "和", "与", "了", "是"],
}
_SYLLABLES = {
    "en": [
        "ka",
        "ro",
        "mi",
        "tan",
        "del",
        "par",
        "ost",
        "vin",
        "gar",
        "lum",
        "sek",
        "tor",
        "bra",
        "nel",
        "qui",
        "zor",
        "fen",
        "hal",
    ],
    "ru": [
        "ка",
        "ро",
        "ми",
        "тан",
        "дел",
        "пар",
        "ост",
        "вин",
        "гар",
        "лум",
        "сек",
        "тор",
        "бра",
        "нел",
        "ши",
        "зор",
        "фен",
        "хал",
    ],
}


def _lexicon(lang: str, size: int = 20_000) -> list[str]:
    """A deterministic synthetic vocabulary, so word frequencies follow a long tail."""
    rng = random.Random(f"lex-{lang}")
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < size:
        if lang == "zh":
            w = "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(rng.randint(1, 3)))
        else:
            w = "".join(rng.choice(_SYLLABLES[lang]) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def _zipf(n: int) -> list[float]:
    cum: list[float] = []
    total = 0.0
    for i in range(n):
        total += 1.0 / (i + 1)
        cum.append(total)
    return cum


_LEX = {lang: _lexicon(lang) for lang in ("en", "ru", "zh")}
_LEX_CUM = _zipf(20_000)
_REAL = {"en": EN + EN_NAMES, "ru": RU, "zh": ZH}
_REAL_CUM = {k: _zipf(len(v)) for k, v in _REAL.items()}


def _words(rng: random.Random, lang: str, k: int) -> list[str]:
    """Function words 30%, topical words (Zipf) 20%, long-tail vocabulary 50%."""
    out = []
    for _ in range(k):
        r = rng.random()
        if r < 0.3:
            out.append(rng.choice(FUNCTION[lang]))
        elif r < 0.5:
            out.append(rng.choices(_REAL[lang], cum_weights=_REAL_CUM[lang])[0])
        else:
            out.append(rng.choices(_LEX[lang], cum_weights=_LEX_CUM)[0])
    return out


def _sentence(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return "".join(_words(rng, "zh", rng.randint(8, 20))) + "。"
    words = _words(rng, lang, rng.randint(8, 22))
    if lang == "en" and rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), rng.choice(("Tajik-Afghan", "Sino-Tajik")))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _sources(rng: random.Random) -> list[dict[str, str]]:
    out = []
    for i in range(200):
        pub = PUBLISHERS[i % len(PUBLISHERS)]
        lang = LANGS[i % 3]
        topic = " ".join(rng.choice(EN) for _ in range(4)).title()
        year = 2014 + (i % 12)
        published = [
            f"{year}",
            f"{year}-{i % 12 + 1:02d}",
            f"{year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
        ][i % 3]
        out.append(
            {
                "id": str(i + 1),
                "title": f"{pub}: {topic} ({i + 1})",
                "publisher": pub,
                "domain": pub.lower().replace(" ", "").replace("/", "") + ".example",
                "lang": lang,
                "rel": "ABCDEF"[i % 6] if i % 7 else "",
                "published": published,
            }
        )
    return out


def generate(n: int, seed: int = 1) -> Iterator[IndexDoc]:
    """Yield ``n`` deterministic passages."""
    rng = random.Random(seed)
    sources = _sources(random.Random(seed + 1000))
    for i in range(n):
        src = sources[rng.randrange(len(sources))]
        lang = src["lang"] if rng.random() < 0.8 else rng.choice(LANGS)
        target = rng.randint(300, 2000)
        parts: list[str] = []
        size = 0
        while size < target:
            s = _sentence(rng, lang)
            parts.append(s)
            size += len(s) + 1
        body = " ".join(parts)[:2000]
        title = _sentence(rng, lang)[:80].rstrip(".")
        tags = tuple(sorted(set(rng.sample(TAGS, rng.randint(0, 3)))))
        day = 1 + (i * 7919) % 3000
        y, rest = 2018 + day // 365, day % 365
        clipped = f"{y:04d}-{rest // 31 + 1:02d}-{rest % 28 + 1:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
        yield IndexDoc(
            id=f"p{i:07d}",
            title=title,
            body=body,
            annotations=_sentence(rng, "en") if rng.random() < 0.1 else "",
            tags=tags,
            source_title=src["title"],
            publisher=src["publisher"],
            domain=src["domain"],
            source_id=int(src["id"]),
            entities=tuple(
                sorted({rng.choice(EN_NAMES).lower() for _ in range(rng.randint(0, 2))})
            ),
            entity_names=(),
            language=lang,
            reliability=src["rel"],
            credibility=rng.randint(1, 6) if rng.random() < 0.8 else None,
            published=src["published"],
            clipped=clipped,
            updated=clipped,
            trashed=rng.random() < 0.02,
        )
