"""Flags: the entries the notes give them, misspelled names, and flag questions answered with the
structured `flags` field of the top answer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import SHIPPED

from qa import Assistant
from qa.cli import main
from qa.flags import FlagTable, correct_flag, flag_table, takes_value
from qa.model import FlagEntry


@pytest.fixture(scope="module")
def table(shipped: Assistant) -> FlagTable:
    return flag_table(shipped.engine().index)


def top_flags(a: Assistant, question: str) -> set[str]:
    r = a.ask(question)
    assert r.found, question
    return {n for f in r.answers[0].flags for n in f.names}


# --- misspelled names --------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "meant"), [
    ("--memroy", "--memory"), ("--detatch", "--detach"), ("--cap-dorp", "--cap-drop"),
    ("--hostnme", "--hostname"), ("--privilaged", "--privileged"),
    ("--volums-from", "--volumes-from"), ("--entrypiont", "--entrypoint"), ("-rm", "--rm")])
def test_a_misspelled_flag_is_the_nearest_real_one(table: FlagTable, typed: str,
                                                   meant: str) -> None:
    assert correct_flag(typed, table.names) == meant


@pytest.mark.parametrize("typed", ["-P", "-x", "--zzzzzz", "--m", "--"])
def test_nothing_near_enough_is_not_corrected(table: FlagTable, typed: str) -> None:
    assert correct_flag(typed, table.names) is None


def test_single_letter_flags_keep_their_case() -> None:
    assert correct_flag("-P", {"-p", "--publish"}) is None
    assert correct_flag("-p", {"-P", "--publish-all"}) is None


# --- entries -----------------------------------------------------------------------------------
def test_continuation_lines_belong_to_their_flag(table: FlagTable) -> None:
    net = table.lookup("--net", "docker run")
    restart = table.lookup("--restart", "docker run")
    assert net is not None and "container:NAME_or_ID" in net.description
    assert restart is not None and "on-failure" in restart.description


def test_each_entry_knows_its_command(table: FlagTable) -> None:
    author = table.lookup("-a", "docker commit")
    attach = table.lookup("-a", "docker run")
    assert author is not None and (author.command, author.description) == ("docker commit", "作者")
    assert attach is not None and attach.long == "--attach"


def test_a_flag_explained_in_a_command_comment_is_an_entry(table: FlagTable) -> None:
    quiet = table.lookup("-q", "docker container ls")
    assert quiet is not None and "只列出来id" in quiet.description


def test_another_commands_entry_only_where_docker_gives_it_the_same_meaning(
        table: FlagTable) -> None:
    interactive = table.lookup("-i", "docker exec")
    assert interactive is not None and interactive.command == "docker run"
    assert table.lookup("-a", "docker ps") is None  # --all there, --attach in docker run
    assert table.lookup("-d", "docker network create") is None  # --driver, not --detach


@pytest.mark.parametrize(("default", "expected"), [
    ('""', True), ("[]", True), ("0", True), ('"bridge"', True), ("false", False),
    ("true", False)])
def test_the_default_says_whether_a_flag_takes_a_value(default: str, expected: bool) -> None:
    entry = FlagEntry("-x", "--xx", default, "", "tool sub")
    assert takes_value(entry, "-x", "tool sub") is expected


# --- questions ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("question", "flag"), [
    ("--memroy", "--memory"), ("docker run --detatch", "--detach"), ("--cap-dorp", "--cap-drop"),
    ("--hostnme", "--hostname"), ("--restrat 参数", "--restart"),
    ("what is the --volumes-from flag", "--volumes-from"), ("docker run -v 是干什么的", "-v"),
    ("docker run -p 小写是啥", "--publish"), ("docker run -P 大写是什么意思", "--publish-all"),
    ("docker run -a 是干啥的", "--attach"), ("docker run -m 什么意思", "--memory"),
    ("限制容器能用多少内存", "--memory"), ("让容器在后台运行的参数", "--detach"),
    ("容器退出后自动删掉用哪个参数", "--rm"), ("特权容器怎么开", "--privileged"),
    ("指定容器的工作目录", "--workdir"), ("flag for setting an environment variable", "--env"),
])
def test_flag_questions_get_the_flag_entry_first(shipped: Assistant, question: str,
                                                 flag: str) -> None:
    assert flag in top_flags(shipped, question)


@pytest.mark.parametrize("question", ["docker commit -a 是什么", "what is -a in docker commit"])
def test_the_command_named_decides_the_flag(shipped: Assistant, question: str) -> None:
    r = shipped.ask(question)
    assert [f.description for f in r.answers[0].flags if "-a" in f.names] == ["作者"]


def test_did_you_mean_names_the_real_flag(shipped: Assistant) -> None:
    assert shipped.ask("docker run --detatch").did_you_mean == ("--detach",)
    assert shipped.ask("--memroy 是什么").did_you_mean == ("--memory",)
    assert shipped.ask("docker run --memory").did_you_mean == ()
    # a real Docker flag the notes lack is not taken for a typo of one they have
    assert shipped.ask("docker rm --volumes 是什么").did_you_mean == ()


def test_ask_says_did_you_mean(shipped: Assistant, shipped_index: Path) -> None:
    out = io.StringIO()
    code = main(["ask", "--corpus", str(SHIPPED), "--index", str(shipped_index), "--lang", "en",
                 "docker run --detatch"], stdin=io.StringIO(""), stdout=out,
                stderr=io.StringIO())
    assert code == 0
    assert out.getvalue().splitlines()[0] == "did you mean --detach?"


@pytest.mark.parametrize(("question", "said"), [
    ("看容齐日志", "(把「容齐」当作「容器」)"),  # a pinyin slip
    ("delete all contianers", "(read contianers as containers)"),  # two letters swapped
    ("delte all containers", "(read delte as delete)"),  # a word, not the stem the swap gives
    ("docekr-machine 是什么", "(把「docekr-machine」当作「docker-machine」)"),
])
def test_ask_says_which_words_it_read_as_others(shipped: Assistant, shipped_index: Path,
                                                question: str, said: str) -> None:
    """A word read as another is said, before the answer; the JSON stays as it is."""
    assert shipped.ask(question).read_as
    out = io.StringIO()
    code = main(["ask", "--corpus", str(SHIPPED), "--index", str(shipped_index), question],
                stdin=io.StringIO(""), stdout=out, stderr=io.StringIO())
    assert code == 0 and out.getvalue().splitlines()[0] == said
    assert "read_as" not in shipped.ask(question).to_dict()
    assert shipped.ask("看容器日志").read_as == ()


def test_a_tool_the_notes_lack_is_no_typo_of_one_they_have(shipped: Assistant) -> None:
    """kubectl is one letter from kubectx, which the lexicon knows: it is no typo of it."""
    r = shipped.ask("kubectl get pods")
    assert r.read_as == () and not r.found


# --- other notes ---------------------------------------------------------------------------------
GIT_NOTES = """# git 笔记

## git log 的常用参数

| 参数 | 说明 |
|------|------|
| --oneline | 每个提交只显示一行 |
| -n, --max-count | 只显示最近 n 个提交 |
| --graph | 用字符画出分支图 |

看最近五个提交，一行一个：
git log --oneline -n 5
"""


def test_flags_of_ones_own_notes(tmp_path: Path) -> None:
    notes = tmp_path / "git.md"
    notes.write_text(GIT_NOTES, encoding="utf-8")
    a = Assistant(corpus=notes, index=tmp_path / "index")
    parts = {p.token: p for p in a.explain("git log --onelin --graph -n 3").parts}
    assert parts["--graph"].flag is not None
    assert parts["--graph"].flag.description == "用字符画出分支图"
    assert parts["-n"].flag is not None and parts["-n"].flag.long == "--max-count"
    assert (parts["--onelin"].flag, parts["--onelin"].suggestion) == (None, "--oneline")
    assert "--graph" in top_flags(a, "git log 怎么画出分支图")
