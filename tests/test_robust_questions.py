"""Bad questions never crash qa: empty, punctuation, control characters, NUL, undecodable
bytes, emoji, full-width and zero-width text, a megabyte of text. The library answers or says
`found: false`; the CLI prints valid JSON (one object a question line) and exits 0 or 1."""

from __future__ import annotations

import io
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa import Assistant, Result
from qa.cli import main

MEGABYTE = 1_000_000

BAD_QUESTIONS = [
    "",
    " ",
    "\t\n\r\n  ",
    "？？！！。。，，……",
    "?!.,;:'\"()[]{}<>/\\|`~@#$%^&*_+=-",
    "\x00",
    "删除\x00所有\x00容器",
    "\x1b[31m删除所有容器\x1b[0m\x07",
    "\x9b2J\x1b]0;title\x07",
    "😀🐳🐋",
    "🐳 怎么删除所有容器 😀",
    "\u202e容器删除\u202c",
    "\ud800\udfff",  # lone surrogates, as undecodable bytes arrive through surrogateescape
    "\ufffd\ufffd",
    "-",
    "--",
    "-" * 300,
    "$(",
    "$($($(",
    "`docker",
    "{{容器}}",
    "#" * 300,
    "ＤＯＣＫＥＲ　ＲＭ",
    "\u200b\u200c\u200d\u2060\ufeff",
]


def check(r: Result, question: str, top: int = 3) -> dict[str, object]:
    """What every answer to any question must be: the JSON contract, consistent."""
    assert isinstance(r, Result)
    assert r.query == question
    assert isinstance(r.found, bool)
    assert len(r.answers) <= top
    assert r.found == bool(r.answers)  # never "found" with nothing to show
    d = r.to_dict()
    again = json.loads(json.dumps(d))  # (a surrogate pair in the query comes back joined)
    assert again["answers"] == d["answers"] and again["found"] == d["found"]
    assert {"query", "found", "lang", "answers"} <= set(d)
    assert d["lang"] in ("zh", "en", "mix")
    for a in r.answers:
        assert math.isfinite(a.score)
        assert a.command or a.passage.text
        assert 1 <= a.source.line <= a.source.end_line
    return d


@pytest.mark.parametrize("question", BAD_QUESTIONS)
def test_bad_question_gets_an_answer_or_not_found(shipped: Assistant, question: str) -> None:
    check(shipped.ask(question, top=3), question)


@pytest.mark.parametrize("question", ["", " ", "？！", "\x00", "😀", "\u200b"])
def test_questions_with_nothing_to_look_up_are_not_found(shipped: Assistant,
                                                         question: str) -> None:
    r = shipped.ask(question)
    assert not r.found and r.answers == ()


@pytest.mark.parametrize(("messy", "clean"), [
    ("ＤＯＣＫＥＲ ＲＭ", "docker rm"),  # full-width: NFKC
    ("ｄｏｃｋｅｒ　ｐｓ　－ａ", "docker ps -a"),
    ("删\u200b除\u200d所有\ufeff容器", "删除所有容器"),  # zero-width characters
    ("删除所有容器\x00", "删除所有容器"),
    ("  删除所有容器？！  ", "删除所有容器"),
    ("🐳删除所有容器🐳", "删除所有容器"),
])
def test_noise_around_a_question_does_not_change_its_answer(shipped: Assistant, messy: str,
                                                            clean: str) -> None:
    expected = shipped.ask(clean)
    got = shipped.ask(messy)
    assert expected.found and got.found
    assert got.answers[0].command == expected.answers[0].command
    assert got.answers[0].source == expected.answers[0].source


def test_a_pasted_terminal_colour_code_does_not_change_the_answer(shipped: Assistant) -> None:
    expected = shipped.ask("删除所有容器")
    got = shipped.ask("\x1b[1m删除所有容器\x1b[0m")
    assert got.found and got.answers[0].command == expected.answers[0].command


def test_megabyte_of_padding_around_a_question(shipped: Assistant) -> None:
    question = "如何删除所有容器" + " \n\t" * (MEGABYTE // 3)
    r = shipped.ask(question)
    check(r, question, top=5)
    assert r.found and "rm" in (r.answers[0].command or "")


@pytest.mark.parametrize("unit", ["a", "😀", "\x00"])
def test_megabyte_of_one_character(shipped: Assistant, unit: str) -> None:
    question = unit * MEGABYTE
    check(shipped.ask(question), question, top=5)


def test_megabyte_of_a_real_question_repeated(shipped: Assistant) -> None:
    question = ("如何删除所有容器 how do I remove all containers ＤＯＣＫＥＲ rm -f " * 20000)
    question = question[:MEGABYTE]
    r = shipped.ask(question)
    check(r, question, top=5)
    assert r.found


def test_megabyte_of_dashes(shipped: Assistant) -> None:
    question = "-" * MEGABYTE
    check(shipped.ask(question), question, top=5)


def test_megabyte_of_open_substitutions(shipped: Assistant) -> None:
    question = "$(" * (MEGABYTE // 2)
    check(shipped.ask(question), question, top=5)


# --- the CLI ------------------------------------------------------------------------------------
def run_cli(argv: list[str], stdin: io.TextIOBase | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=stdin or io.StringIO(), stdout=out, stderr=err)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


# no words at all ("", "  ") is a usage error (exit 2), "-" means stdin
CLI_QUESTIONS = [q for q in BAD_QUESTIONS if q.strip() and q != "-"]
CONTROLS = "\x00\x07\x1b\x9b\u202e\ud800"


def shows_controls(text: str) -> bool:
    return any(c in text for c in CONTROLS)


@pytest.mark.parametrize("question", CLI_QUESTIONS)
def test_cli_json_is_one_valid_object(shipped: Assistant, shipped_index: object,
                                      question: str) -> None:
    code, out, err = run_cli(["ask", "--json", "--index", str(shipped_index), "--", question])
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1
    d = json.loads(lines[0])
    assert code == (0 if d["found"] else 1)
    out.encode("utf-8")  # strict: writable to any UTF-8 terminal or pipe


@pytest.mark.parametrize("question", [q for q in CLI_QUESTIONS if shows_controls(q)])
def test_cli_text_answer_shows_no_control_characters(shipped: Assistant, shipped_index: object,
                                                     question: str) -> None:
    code, out, err = run_cli(["ask", "--index", str(shipped_index), "--", question])
    assert code in (0, 1) and err == ""
    assert not shows_controls(out)
    out.encode("utf-8")


def test_cli_undecodable_argument_bytes(shipped: Assistant, shipped_index: object) -> None:
    # `qa ask $'\xff\xfe 删除所有容器'`: Python hands over the bytes as lone surrogates
    code, out, _ = run_cli(["ask", "--json", "--index", str(shipped_index),
                            "\udcff\udcfe 删除所有容器"])
    out.encode("utf-8")  # a strict encoder would fail on a surrogate
    d = json.loads(out)
    assert d["query"] == "\ufffd\ufffd 删除所有容器" and d["found"] and code == 0


def test_cli_stdin_with_undecodable_bytes_gives_one_json_line_each(
        shipped: Assistant, shipped_index: object) -> None:
    raw = (b"\xff\xfe\xfd\n"
           b"\x00\n"
           b"\n"
           b"   \n"
           + "ＤＯＣＫＥＲ ＲＭ\n".encode()
           + "删除所有容器\r\n".encode()
           + "查看".encode("gbk") + b"\n"
           + b"\x1b[31m\n"
           + "最后一行没有换行".encode())
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    code, out, err = run_cli(["ask", "--json", "--index", str(shipped_index), "-"], stdin)
    assert err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 9
    assert rows[4]["found"] and rows[5]["found"]
    assert rows[5]["query"] == "删除所有容器"
    assert code == 1  # some lines are not answered
    out.encode("utf-8")


# --- property tests -------------------------------------------------------------------------------
FRAGMENTS = [
    "docker", "rm", "ps", "-a", "-aq", "-p", "-P", "--memory", "--memroy", "--detatch", "$(", ")",
    "$(docker ps -aq)", "`", "{{容器}}", "容器", "镜像", "删除", "所有", "如何", "怎么", "查看",
    "端口", "映射", "的", "？", "。", "：", "（", "）", "how", "do", "I", "delete", "all",
    "containers", "image", "port", "ＤＯＣＫＥＲ", "ｒｍ", "\u200b", "\ufeff", "\x00", "\x1b[31m",
    "\x9b", "\u202e", "😀", "🐳", "\t", "\n", "\r", " ", "  ", "#", "|", "-", "--", "=", "~", "\\",
]
questions = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)),  # surrogates
             max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=25).map(
        "".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join),
    st.binary(max_size=60).map(lambda b: b.decode("utf-8", "replace")),
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=questions, top=st.integers(1, 6))
def test_any_question_gets_a_consistent_result(shipped: Assistant, question: str,
                                               top: int) -> None:
    check(shipped.ask(question, top=top), question, top=top)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b), min_size=1,
                      max_size=6))
def test_any_stdin_bytes_give_json_lines(shipped: Assistant, shipped_index: object,
                                         lines: list[bytes]) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"\n".join(lines) + b"\n"), encoding="utf-8")
    code, out, err = run_cli(["ask", "--json", "--index", str(shipped_index), "-"], stdin)
    assert err == "" and code in (0, 1)
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(lines)
    # a blank line gets its row, but is no question left unanswered
    asked = [r for r, b in zip(rows, lines, strict=True) if b.decode("utf-8", "replace").strip()]
    assert code == (0 if all(r["found"] for r in asked) else 1)
