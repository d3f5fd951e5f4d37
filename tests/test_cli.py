"""The `qa` command, run in-process through `qa.cli.main` with its own streams."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO, cast

import pytest
from conftest import SHIPPED, run_interpreter, run_python

from qa.cli import SUBCOMMANDS, main

DOCKER = "corpus/2018-05-09-docker-notes-1.md"


class Run:
    """One run of `qa`: exit status and what it wrote."""

    def __init__(self, argv: list[str], stdin: TextIO | None = None,
                 stdout: io.StringIO | None = None) -> None:
        self.stdout = stdout or io.StringIO()
        self.stderr = io.StringIO()
        self.code = main(argv, stdin=stdin or io.StringIO(""), stdout=self.stdout,
                         stderr=self.stderr)
        self.out = self.stdout.getvalue()
        self.err = self.stderr.getvalue()


@pytest.fixture
def on_shipped(shipped_index: Path, shipped: object) -> list[str]:
    """Arguments that point qa at the shipped notes and the session's index."""
    return ["--corpus", str(SHIPPED), "--index", str(shipped_index)]


def test_ask_shows_the_command_first_then_where_it_is(on_shipped: list[str]) -> None:
    r = Run(["ask", *on_shipped, "如何删除所有容器"])
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "docker rm $(docker container ls -aq)"
    where = next(i for i, line in enumerate(lines) if f"{DOCKER}:107" in line)
    assert 0 < where < 4
    assert r.err == ""


def test_a_question_without_the_ask_word_is_asked(on_shipped: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_CORPUS", on_shipped[1])
    monkeypatch.setenv("QA_INDEX", on_shipped[3])
    r = Run(["如何删除所有容器"])
    assert (r.code, r.out.splitlines()[0]) == (0, "docker rm $(docker container ls -aq)")


def test_a_question_after_global_options_is_asked(on_shipped: list[str]) -> None:
    r = Run([*on_shipped, "如何删除所有容器"])
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == "docker rm $(docker container ls -aq)"


def test_ask_json_follows_the_contract(on_shipped: list[str]) -> None:
    r = Run(["ask", "--json", *on_shipped, "如何删除所有容器"])
    assert r.code == 0
    d = json.loads(r.out)
    assert set(d) == {"query", "found", "lang", "answers"}
    assert (d["query"], d["found"], d["lang"]) == ("如何删除所有容器", True, "zh")
    top = d["answers"][0]
    assert top["command"] == "docker rm $(docker container ls -aq)"
    assert top["source"] == {"path": DOCKER, "line": 107, "end_line": 107}
    assert r.out.count("\n") == 1


def test_top_limits_the_answers(on_shipped: list[str]) -> None:
    d = json.loads(Run(["ask", "--json", "--top", "1", *on_shipped, "删除容器"]).out)
    assert len(d["answers"]) == 1


def test_ask_dash_answers_one_json_line_per_input_line(on_shipped: list[str]) -> None:
    questions = ["如何删除所有容器", "how do I list images", "怎么煮咖啡"]
    r = Run(["ask", "--json", *on_shipped, "-"], stdin=io.StringIO("\n".join(questions) + "\n"))
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert [row["query"] for row in rows] == questions
    assert [row["found"] for row in rows] == [True, True, False]
    assert rows[0]["answers"][0]["command"] == "docker rm $(docker container ls -aq)"


def test_ask_dash_exits_0_when_every_line_is_answered(on_shipped: list[str]) -> None:
    r = Run(["ask", "--json", *on_shipped, "-"], stdin=io.StringIO("删除所有容器\n查看镜像\n"))
    assert r.code == 0


def test_ask_dash_a_blank_line_is_no_question_left_unanswered(on_shipped: list[str]) -> None:
    """A blank line still gets its JSON line (tools pair input and output lines), but it is
    no question the notes failed to answer: the run exits 0; a refused question exits 1."""
    r = Run(["ask", "--json", *on_shipped, "-"], stdin=io.StringIO("删除所有容器\n\n查看镜像\n"))
    assert r.code == 0 and len(r.out.splitlines()) == 3
    r = Run(["ask", "--json", *on_shipped, "-"], stdin=io.StringIO("删除所有容器\n怎么煮咖啡\n"))
    assert r.code == 1


def test_ask_dash_in_plain_text_answers_each_question_under_it(on_shipped: list[str]) -> None:
    """Read as text, answers say which question they answer; a blank line is skipped."""
    r = Run(["ask", "--lang", "en", *on_shipped, "-"],
            stdin=io.StringIO("删除所有容器\n\n怎么煮咖啡\n"))
    assert r.code == 1
    questions = [line for line in r.out.splitlines() if line.startswith("> ")]
    assert questions == ["> 删除所有容器", "> 怎么煮咖啡"]
    first, second = r.out.split("> 怎么煮咖啡\n")
    assert "docker rm" in first and second.startswith("Not in your notes")
    r = Run(["ask", *on_shipped, "-"], stdin=io.StringIO("删除\x1b[2J所有容器\n"))
    assert "\x1b" not in r.out  # (a question read is shown, its escapes not run)


class _Flushes(io.StringIO):
    """stdout that remembers what had been flushed, as a pipe reader would see it."""

    def __init__(self) -> None:
        super().__init__()
        self.flushed = ""

    def flush(self) -> None:
        self.flushed = self.getvalue()


def test_ask_dash_flushes_each_answer_before_reading_the_next_line(
        on_shipped: list[str]) -> None:
    out = _Flushes()
    seen_before_second: list[str] = []

    class Lines:
        def __iter__(self) -> Iterator[str]:
            yield "如何删除所有容器\n"
            seen_before_second.append(out.flushed)
            yield "查看镜像\n"

    Run(["ask", "--json", *on_shipped, "-"], stdin=cast(TextIO, Lines()), stdout=out)
    assert len(seen_before_second) == 1
    assert json.loads(seen_before_second[0])["query"] == "如何删除所有容器"


@pytest.mark.parametrize("where", ["a-file", "a-file/index"])
def test_an_index_where_a_file_stands_is_one_line_saying_what_to_do(tmp_path: Path,
                                                                    where: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    r = Run(["ask", "--index", str(tmp_path / where), "如何删除所有容器"])
    assert r.code == 2 and r.out == ""
    assert r.err.splitlines() == [
        f"qa: cannot write the index at {tmp_path / where}: {tmp_path / 'a-file'} is a file, "
        "not a folder; point --index or QA_INDEX at a writable folder"]


def test_the_file_an_answer_stands_in_opens_from_where_qa_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`file:line` is where the note is from the working folder (relative under it, else
    whole); the JSON keeps the path as answers give it."""
    notes = tmp_path / "work" / "notes"
    notes.mkdir(parents=True)
    (notes / "docker.md").write_text("# docker\n\n删除所有容器：`docker rm -f $(docker ps -aq)`\n",
                                     "utf-8")
    argv = ["ask", "--corpus", str(notes), "--index", str(tmp_path / "idx"), "删除所有容器"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for cwd, shown in ((tmp_path / "work", "notes/docker.md:3"),
                       (notes, "docker.md:3"),
                       (elsewhere, f"{notes / 'docker.md'}:3")):
        monkeypatch.chdir(cwd)
        r = Run(argv)
        assert r.code == 0 and shown in r.out.splitlines()[-1], (cwd, r.out)
        assert (Path(r.out.splitlines()[-1].split()[0].rsplit(":", 1)[0])).is_file()
    r = Run(["ask", "--json", *argv[1:]])
    assert json.loads(r.out)["answers"][0]["source"]["path"] == "notes/docker.md"


def test_unanswerable_question_exits_1(on_shipped: list[str]) -> None:
    r = Run(["ask", *on_shipped, "怎么煮咖啡"])
    assert r.code == 1
    assert "docker" not in r.out.splitlines()[0]


def test_missing_corpus_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-notes"
    r = Run(["ask", "--corpus", str(missing), "--index", str(tmp_path / "i"), "如何删除所有容器"])
    assert r.code == 2
    assert r.err.count("\n") == 1 and str(missing) in r.err
    assert "Traceback" not in r.err + r.out


@pytest.mark.parametrize("argv", [["ask"], ["ask", "--top", "0", "x"], ["explain"],
                                  ["explain", " "], ["eval"], ["index", "--corpus"]])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    assert Run(argv).code == 2


@pytest.mark.parametrize("sub", [None, *SUBCOMMANDS])
def test_help_goes_to_the_stdout_given_to_main(sub: str | None) -> None:
    r = Run([sub, "--help"] if sub else ["--help"])
    assert r.code == 0
    assert r.out.startswith("usage: qa")


def test_usage_error_goes_to_the_stderr_given_to_main() -> None:
    r = Run(["ask", "--top", "0", "x"])
    assert r.code == 2
    assert "usage: qa ask" in r.err and "--top" in r.err


@pytest.mark.parametrize("sub", [None, *SUBCOMMANDS])
def test_every_help_exits_0_and_shows_examples(sub: str | None,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    r = Run([sub, "--help"] if sub else ["--help"])
    text = r.out + capsys.readouterr().out  # wherever it went
    assert r.code == 0
    examples = [line for line in text.splitlines()
                if re.match(rf"\s+qa {sub or ''}\S*", line) and line.strip() != "qa"]
    assert examples, f"`qa {sub or ''} --help` shows no example:\n{text}"


def test_index_reports_what_it_read_and_reused(notes_copy: Path, tmp_path: Path) -> None:
    n = len(list(notes_copy.glob("*.md")))
    args = ["index", "--corpus", str(notes_copy), "--index", str(tmp_path / "index")]
    first = Run(args)
    assert first.code == 0, first.err
    assert f"{n} files" in first.out and f"{n} read" in first.out
    assert str(tmp_path / "index") in first.out
    with (notes_copy / "headings.md").open("a", encoding="utf-8") as f:
        f.write("\ndocker system df # 查看磁盘占用\n")
    second = Run(args)
    assert "1 read" in second.out and f"{n - 1} unchanged" in second.out


def test_eval_prints_top1_hit3_mrr(notes_copy: Path, tmp_path: Path) -> None:
    cases = tmp_path / "mine.jsonl"
    cases.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in [
        {"id": "a", "q": "查看最后一个容器的信息", "lang": "zh", "field": "command",
         "expect": ["docker ps -l"]},
        {"id": "b", "q": "容器的内存上限", "lang": "zh", "field": "flag", "expect": ["--memory"]},
        {"id": "c", "q": "怎么煮咖啡", "lang": "zh", "field": "none", "expect": []},
    ]) + "\n", encoding="utf-8")
    r = Run(["eval", "--corpus", str(notes_copy), "--index", str(tmp_path / "i"), str(cases)])
    assert r.code == 0, r.err
    summary = json.loads(r.out.splitlines()[-1])
    assert {"top1", "hit3", "mrr"} <= set(summary)
    assert summary["top1"] == 1.0 and summary["oos_abstain"] == 1.0


def test_eval_names_the_bad_line(tmp_path: Path, on_shipped: list[str]) -> None:
    cases = tmp_path / "bad.jsonl"
    cases.write_text('{"q": "x", "field": "command", "expect": ["y"]}\nnot json\n', "utf-8")
    r = Run(["eval", *on_shipped, str(cases)])
    assert r.code == 2
    assert f"{cases}:2" in r.err and "Traceback" not in r.err
    for line, said in (('{"q": "x"}', "field, expect missing or wrong"),
                       ('{"q": "x", "field": "cmd", "expect": []}', "(field missing or wrong"),
                       ("[1]", "not a question line"),
                       ('{"q": "x", "field": "text", "expect": [1]}', "(expect missing or wrong")):
        cases.write_text(line + "\n", "utf-8")
        r = Run(["eval", *on_shipped, str(cases)])
        assert r.code == 2 and said in r.err and len(r.err.splitlines()) == 1, line


def test_explain_json(on_shipped: list[str]) -> None:
    r = Run(["explain", "--json", *on_shipped, "docker run -d --detatch -p 90:80 nginx"])
    assert r.code == 0
    d = json.loads(r.out)
    assert d["command"] == "docker run -d --detatch -p 90:80 nginx"
    parts = {p["token"]: p for p in d["parts"]}
    assert {"token", "flag", "suggestion"} <= set(parts["-d"])
    assert parts["-d"]["flag"]["long"] == "--detach"
    assert parts["--detatch"]["flag"] is None and parts["--detatch"]["suggestion"] == "--detach"


def test_env_chooses_notes_and_index(notes_copy: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "env-index"
    monkeypatch.setenv("QA_CORPUS", str(notes_copy))
    monkeypatch.setenv("QA_INDEX", str(index))
    r = Run(["ask", "--json", "查看最后一个容器的信息"])
    top = json.loads(r.out)["answers"][0]
    assert (top["command"], top["source"]["path"]) == ("docker ps -l", "notes/trailing-comment.md")
    assert (index / "CURRENT").is_file()


def test_flags_win_over_env(notes_copy: Path, tmp_path: Path, on_shipped: list[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_CORPUS", str(notes_copy))
    monkeypatch.setenv("QA_INDEX", str(tmp_path / "env-index"))
    top = json.loads(Run(["ask", "--json", *on_shipped, "如何删除所有容器"]).out)["answers"][0]
    assert top["source"]["path"] == DOCKER
    assert not (tmp_path / "env-index").exists()


def test_python_dash_m_qa_help(tmp_path: Path) -> None:
    done = run_interpreter("-m", "qa", "--help", cwd=tmp_path)  # the installed qa
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout and "qa ask" in done.stdout


def test_installed_qa_answers_from_its_shipped_notes(tmp_path: Path) -> None:
    """Run from outside the checkout, as a user would after `pip install .`."""
    done = run_interpreter("-m", "qa", "ask", "--json", "如何删除所有容器", cwd=tmp_path,
                           env={"QA_INDEX": str(tmp_path / "index")})
    assert done.returncode == 0, done.stderr
    top = json.loads(done.stdout)["answers"][0]
    assert top["command"] == "docker rm $(docker container ls -aq)"
    assert top["source"]["path"].endswith("2018-05-09-docker-notes-1.md")


def test_eval_json_is_strict_json(on_shipped: list[str], tmp_path: Path) -> None:
    """`qa eval --json | jq` must work, also for a set without out-of-scope questions."""
    cases = tmp_path / "answerable.jsonl"
    cases.write_text(json.dumps({"q": "如何删除所有容器", "lang": "zh", "field": "command",
                                 "expect": ["docker rm"]}, ensure_ascii=False) + "\n", "utf-8")
    r = Run(["eval", "--json", *on_shipped, str(cases)])
    assert r.code == 0

    def reject(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    json.loads(r.out, parse_constant=reject)


_HEAVY = ("sklearn", "numpy", "scipy", "jieba")
_LOADED = "import sys, json; print(json.dumps([m for m in {heavy} if m in sys.modules]))"


def test_import_qa_stays_light() -> None:
    done = run_python("import qa; " + _LOADED.format(heavy=_HEAVY))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_qa_help_stays_light() -> None:
    code = ("import io, qa.cli; qa.cli.main(['--help'], stdout=io.StringIO()); "
            + _LOADED.format(heavy=_HEAVY))
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_eval_scores_the_answers_ask_gives(on_shipped: list[str], tmp_path: Path) -> None:
    """The scorer reads `qa ask --json -`: `qa eval` must rank over the same answers, so a
    right answer at rank 4 or 5 (beyond the three `qa ask` gives) counts nothing in both."""
    from qa.evaluate import hit

    cases = [{"q": q, "lang": "zh", "field": "command", "expect": [e]} for q, e in [
        ("批量删除镜像", "docker rmi $(docker image ls -q)"), ("查看容器日志", "docker logs"),
        ("给命名空间里的网卡配置ip地址", "ip addr add"), ("端口映射", "-p 90:80"),
        ("进入容器", "docker exe -it"), ("删除容器", "docker rm ID")]]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), "utf-8")
    asked = Run(["ask", "--json", *on_shipped, "-"],
                stdin=io.StringIO("".join(c["q"] + "\n" for c in cases)))
    rr = []
    for case, line in zip(cases, asked.out.splitlines(), strict=True):
        answers = json.loads(line)["answers"]
        ranks = [i for i, a in enumerate(answers) if hit(case, a)]
        rr.append(1 / (ranks[0] + 1) if ranks else 0.0)
    summary = json.loads(Run(["eval", "--json", *on_shipped, str(path)]).out)["summary"]
    assert summary["mrr"] == pytest.approx(sum(rr) / len(rr), abs=1e-3)


def test_a_mistyped_option_of_ask_is_an_error_not_a_question(on_shipped: list[str]) -> None:
    """`--jsn` is one typo from --json: exit 2 and say so; `--memroy` (no option of qa's) is
    still a flag asked about, and after `--` anything is."""
    r = Run(["ask", *on_shipped, "--jsn", "如何删除所有容器"])
    assert r.code == 2 and "did you mean --json?" in r.err and r.out == ""
    assert "did you mean --memory?" in Run(["ask", *on_shipped, "--memroy"]).out
    assert Run(["ask", *on_shipped, "--", "--jsn"]).code == 1


@pytest.mark.parametrize("question", [[], [""], ["  "]])
def test_ask_with_no_question_is_a_usage_error(on_shipped: list[str],
                                               question: list[str]) -> None:
    r = Run(["ask", *on_shipped, *question])
    assert r.code == 2 and "give a question" in r.err and r.out == ""


def test_a_bare_command_shows_what_its_notes_say_it_is_for(tmp_path: Path) -> None:
    """A line of a block says nothing but itself: the answer shows what the notes say around
    it (the callout's title and the line introducing the block)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "rust.md").write_text(
        '# rust\n\n!!! tip "国内镜像"\n    官方源很慢的话，先设置两个环境变量：\n\n'
        '    ```bash\n    export RUSTUP_DIST_SERVER="https://rsproxy.cn"\n'
        '    export RUSTUP_UPDATE_ROOT="https://rsproxy.cn/rustup"\n    ```\n', "utf-8")
    r = Run(["ask", "--corpus", str(notes), "--index", str(tmp_path / "ix"), "rustup 国内镜像"])
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("export RUSTUP_")
    assert "国内镜像" in lines[1] and "rust.md:" in lines[2]


@pytest.mark.parametrize(("argv", "meant"), [(["lnt"], "lint"), (["idnex"], "index"),
                                              (["--corpus", "x", "evl", "q.jsonl"], "eval")])
def test_a_mistyped_command_is_named_not_asked(argv: list[str], meant: str) -> None:
    """`qa lnt` is `qa lint` mistyped: one line naming it, exit 2, not a question refused."""
    r = Run(argv)
    assert r.code == 2 and r.out == ""
    assert r.err.count("\n") == 1 and f"qa {meant}" in r.err


def test_a_question_starting_like_a_command_is_asked(on_shipped: list[str]) -> None:
    r = Run([*on_shipped, "list", "docker", "images"])
    assert r.code == 0 and "docker images" in r.out.splitlines()[0]


def test_options_before_the_command_are_used(notes_copy: Path, tmp_path: Path) -> None:
    """`qa --corpus X --index Y ask …` asks X's notes and uses Y, as `qa ask --corpus X …`."""
    (notes_copy / "extra.md").write_text("# 速查\n\n清理构建缓存：`docker builder prune --all`\n",
                                         "utf-8")
    index = tmp_path / "ix"
    r = Run(["--corpus", str(notes_copy), "--index", str(index), "ask", "清理构建缓存"])
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == "docker builder prune --all"
    assert (index / "CURRENT").exists()
    r = Run(["--corpus", str(notes_copy), "--index", str(index), "--lang", "en", "ask", "煮咖啡"])
    assert r.code == 1 and "Not in your notes" in r.out


_ASKED = """
import json, sys
from qa import Assistant
a = Assistant(corpus=sys.argv[1], index=sys.argv[2])
a.ask(sys.argv[3])
print(json.dumps("pypinyin" in sys.modules))
"""


@pytest.mark.parametrize(("question", "loads"), [("如何删除所有容器", False),
                                                 ("怎么查看容器的近程", True)])
def test_character_readings_are_loaded_only_for_a_word_the_notes_lack(
        shipped_index: Path, shipped: object, question: str, loads: bool) -> None:
    """Pinyin readings (for 近程 typed for 进程) cost a quarter second to load: only a question
    with a Chinese word the notes do not know needs them."""
    done = run_python(_ASKED, str(SHIPPED), str(shipped_index), question)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) is loads
