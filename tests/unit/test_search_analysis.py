"""The search analyzer: one tokenizer for every script."""

from __future__ import annotations

import pickle

from desk.core.search.analysis import DeskTokenizer, analyze, iter_pieces, stem_word


def test_english_stemming() -> None:
    assert analyze("Clashes clashed clashing") == ["clash", "clash", "clash"]


def test_russian_forms_share_a_stem() -> None:
    assert set(analyze("Таджикистан Таджикистане Таджикистана Таджикистаном")) == {"таджикистан"}


def test_russian_minimum_stem_length() -> None:
    assert stem_word("мира") == "мира"


def test_tajik_letters_kept_and_izafa_stripped() -> None:
    assert analyze("Тоҷикистон Тоҷикистони") == ["тоҷикистон", "тоҷикистон"]


def test_chinese_bigrams_and_unigram() -> None:
    assert analyze("边境") == ["边境"]
    assert analyze("塔吉克") == ["塔吉", "吉克"]
    assert analyze("边") == ["边"]


def test_traditional_folds_to_simplified() -> None:
    assert analyze("邊境") == analyze("边境")


def test_dari_variants_fold() -> None:
    # Arabic kaf/yeh vs Persian, ZWNJ removed.
    assert analyze("كتابي") == analyze("کتابی")
    assert analyze("می\u200cخواهم") == analyze("میخواهم")


def test_hyphen_dash_and_space_alike() -> None:
    assert analyze("Tajik-Afghan") == analyze("Tajik–Afghan") == analyze("Tajik Afghan")


def test_offsets_map_to_original_text() -> None:
    text = "Ｔａｊｉｋ «Таджикистане» 塔吉克"
    for p in iter_pieces(text):
        assert text[p.start : p.end]
    pieces = list(iter_pieces(text))
    assert text[pieces[1].start : pieces[1].end] == "Таджикистане"
    assert [p.pos for p in pieces] == list(range(len(pieces)))


def test_tokenizer_pickles_and_yields_positions() -> None:
    tok = pickle.loads(pickle.dumps(DeskTokenizer()))
    out = [(t.text, t.pos, t.startchar) for t in tok("Hello wörld", positions=True, chars=True)]
    assert out == [("hello", 0, 0), ("world", 1, 6)]
