"""Structural checks for the bilingual domain lexicon qa/data/lexicon.json."""
import json
from pathlib import Path

import pytest

LEXICON_PATH = Path(__file__).parents[1] / "qa" / "data" / "lexicon.json"


@pytest.fixture(scope="module")
def lexicon():
    with open(LEXICON_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def _is_clean_string(term):
    return isinstance(term, str) and term != "" and term == term.strip()


def test_version(lexicon):
    assert lexicon["version"] == 1


def test_concepts_is_nonempty_list(lexicon):
    assert isinstance(lexicon["concepts"], list)
    assert lexicon["concepts"]


def test_each_concept_has_nonempty_clean_en_and_zh(lexicon):
    for i, concept in enumerate(lexicon["concepts"]):
        for key in ("en", "zh"):
            terms = concept.get(key)
            assert isinstance(terms, list) and terms, \
                f"concept #{i} has empty/missing {key!r}: {concept}"
            for term in terms:
                assert _is_clean_string(term), f"concept #{i} has bad {key} term {term!r}"
        if "cmd" in concept:
            assert isinstance(concept["cmd"], list)
            for term in concept["cmd"]:
                assert _is_clean_string(term), f"concept #{i} has bad cmd term {term!r}"


def test_en_terms_are_lowercase(lexicon):
    for i, concept in enumerate(lexicon["concepts"]):
        for term in concept["en"]:
            assert term == term.lower(), f"concept #{i}: en term {term!r} is not lowercase"


def test_no_duplicate_terms_within_a_concept(lexicon):
    for i, concept in enumerate(lexicon["concepts"]):
        for key in ("en", "zh", "cmd"):
            terms = concept.get(key, [])
            dups = sorted({t for t in terms if terms.count(t) > 1})
            assert not dups, f"concept #{i}: duplicate {key} terms {dups}"


def test_no_two_concepts_identical(lexicon):
    seen = {}
    for i, concept in enumerate(lexicon["concepts"]):
        key = (
            frozenset(concept["en"]),
            frozenset(concept["zh"]),
            frozenset(concept.get("cmd", [])),
        )
        assert key not in seen, f"concepts #{seen[key]} and #{i} are identical"
        seen[key] = i


def test_enough_distinct_english_terms(lexicon):
    distinct = {t for concept in lexicon["concepts"] for t in concept["en"]}
    assert len(distinct) >= 300, f"only {len(distinct)} distinct English terms"


def test_stopword_lists_are_clean(lexicon):
    for key in ("stop_en", "stop_zh"):
        words = lexicon[key]
        assert isinstance(words, list) and words
        for w in words:
            assert _is_clean_string(w), f"{key} has bad entry {w!r}"
    for w in lexicon["stop_en"]:
        assert w == w.lower(), f"stop_en entry {w!r} is not lowercase"


def test_stopwords_are_not_concept_terms(lexicon):
    en_terms = {t for c in lexicon["concepts"] for t in c["en"]}
    zh_terms = {t for c in lexicon["concepts"] for t in c["zh"]}
    all_terms = en_terms | zh_terms
    clash_en = sorted(w for w in lexicon["stop_en"] if w in all_terms)
    clash_zh = sorted(w for w in lexicon["stop_zh"] if w in all_terms)
    assert not clash_en, f"stop_en words that are also concept terms: {clash_en}"
    assert not clash_zh, f"stop_zh words that are also concept terms: {clash_zh}"


def test_rel_is_a_short_list_of_clean_strings(lexicon):
    for i, concept in enumerate(lexicon["concepts"]):
        if "rel" not in concept:
            continue
        rel = concept["rel"]
        assert isinstance(rel, list) and rel, f"concept #{i}: 'rel' must be a non-empty list"
        assert len(rel) <= 6, f"concept #{i}: 'rel' has {len(rel)} entries (at most 6)"
        for term in rel:
            assert _is_clean_string(term), f"concept #{i} has bad rel term {term!r}"
        dups = sorted({t for t in rel if rel.count(t) > 1})
        assert not dups, f"concept #{i}: duplicate rel terms {dups}"


def test_rel_does_not_repeat_the_concepts_own_terms(lexicon):
    for i, concept in enumerate(lexicon["concepts"]):
        own = set(concept["en"]) | set(concept["zh"]) | set(concept.get("cmd", []))
        clash = sorted(own.intersection(concept.get("rel", [])))
        assert not clash, f"concept #{i}: rel terms that are its own terms {clash}"


# A related word earns a passage credit; an opposite one must not (compress is not extract).
OPPOSITES = [("compress", "extract"), ("压缩", "解压"), ("import", "export"), ("导入", "导出"),
             ("mount", "unmount"), ("挂载", "卸载"), ("enable", "disable"), ("启用", "禁用"),
             ("pause", "unpause"), ("暂停", "恢复"), ("attach", "detach"), ("login", "logout"),
             ("登录", "登出"), ("encrypt", "decrypt"), ("加密", "解密"), ("push", "pull"),
             ("上传", "下载"), ("install", "uninstall"), ("安装", "卸载"), ("start", "stop"),
             ("前台", "后台"), ("foreground", "background")]


def test_rel_never_holds_an_opposite(lexicon):
    for i, concept in enumerate(lexicon["concepts"]):
        own = set(concept["en"]) | set(concept["zh"]) | set(concept.get("cmd", []))
        rel = set(concept.get("rel", []))
        for a, b in OPPOSITES:
            assert not (a in own and b in rel or b in own and a in rel), \
                f"concept #{i} {concept['en'][0]}: an opposite among its related words"


# tools that do the same job in rival ways: a question naming one is not answered by the other
RIVALS = [("nginx", "apache", "caddy"), ("mysql", "postgresql", "sqlite"), ("mysql", "postgres"),
          ("iptables", "firewalld", "ufw", "nftables"), ("terraform", "pulumi"),
          ("conda", "venv"), ("docker", "podman"), ("yum", "apt"),
          ("mysqldump", "pg_dump"), ("xz", "zip"), ("ngrok", "frp")]


def test_rival_tools_are_never_synonyms(lexicon):
    """(Commands that do what a concept says, `cmd`, may be rivals: apt and yum install.)"""
    for i, concept in enumerate(lexicon["concepts"]):
        own = set(concept["en"]) | set(concept["zh"])
        for group in RIVALS:
            assert len(own.intersection(group)) <= 1, \
                f"concept #{i} {concept['en'][0]}: rival tools as one concept"


def test_rel_terms_are_not_stopwords(lexicon):
    stop = set(lexicon["stop_en"]) | set(lexicon["stop_zh"])
    for i, concept in enumerate(lexicon["concepts"]):
        clash = sorted(stop.intersection(concept.get("rel", [])))
        assert not clash, f"concept #{i}: rel terms that are stopwords {clash}"


def test_only_known_keys(lexicon):
    for i, concept in enumerate(lexicon["concepts"]):
        extra = set(concept) - {"en", "zh", "cmd", "rel", "weight"}
        assert not extra, f"concept #{i} has unknown keys {sorted(extra)}"


def test_weights_are_between_0_and_1(lexicon):
    weights = [c["weight"] for c in lexicon["concepts"] if "weight" in c]
    assert weights, "qualifier concepts (all, last, random) carry a weight below 1"
    assert all(isinstance(w, (int, float)) and 0 < w <= 1 for w in weights)


def test_parse_lexicon_reads_rel():
    from qa.lexicon import Concept, parse_lexicon

    lex = parse_lexicon({"concepts": [{"en": ["log"], "zh": ["日志"], "rel": ["输出", "tail"]},
                                      {"en": ["file"], "zh": ["文件"]}]})
    assert lex.concepts[0].rel == ("输出", "tail")
    assert lex.concepts[1].rel == ()
    assert Concept(en=(), zh=(), cmd=()).rel == ()


@pytest.mark.parametrize("question, explain", [
    ("netns是拿来做什么的", True), ("为啥docker没法直接在windows上跑", True),
    ("why should I use .PHONY", True), ("what does host network mode mean", True),
    ("CMD 和 ENTRYPOINT 的 difference", True),
    ("如何删除所有容器", False), ("查看容器IP的命令是什么", False),
    ("how do I see what a flag means", False), ("what command lists images", False)])
def test_questions_asking_what_or_why_are_told_from_how_to(question, explain):
    from qa.lexicon import load_lexicon

    assert load_lexicon().asks_explain(question) is explain


def test_opposites_name_two_different_concepts():
    """Each pair of actions that undo each other names concepts by their English terms: a
    term the lexicon lacks would silently say nothing."""
    from qa.lexicon import english_words, load_lexicon

    lex = load_lexicon()
    index = lex.english_index()
    assert lex.opposite_terms
    for a, b in lex.opposite_terms:
        assert a in index and b in index, f"{a} / {b}: a term no concept has"
        assert not set(index[a]) & set(index[b]), f"{a} / {b}: one concept"
    compress = index[english_words("compress")][0]
    assert set(index[english_words("extract")]) <= lex.opposites[compress]


def test_negations_are_a_short_list_of_clean_words(lexicon):
    """Words saying what a question does not want done (without, 不让): each as written."""
    negations = lexicon["negations"]
    assert negations and all(_is_clean_string(w) and w == w.lower() for w in negations)
    assert len(set(negations)) == len(negations)


@pytest.mark.parametrize("inflected, plain", [
    ("containers", "container"), ("removing", "remove"), ("removed", "remove"),
    ("copies", "copy"), ("endings", "ending"), ("settings", "setting"), ("runs", "running")])
def test_an_english_word_s_inflections_are_one_term(inflected, plain):
    """`line endings` is the lexicon's `line ending`: a plural's s goes before -ing does."""
    from qa.lexicon import stem

    assert stem(inflected) == stem(plain)
