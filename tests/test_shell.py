"""qa.shell: how `explain` and `lint` cut a command line into simple commands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.shell import closing, split_commands, words


def _words_and_operators(line: str, *, script: bool) -> list[tuple[list[str], str]]:
    return [
        (words(c.restore(c.text), ("",)), c.operator) for c in split_commands(line, script=script)
    ]


def test_a_pipeline_and_a_list_are_cut_at_their_operators() -> None:
    assert _words_and_operators("docker ps -a | grep web && echo ok; ls", script=False) == [
        (["docker", "ps", "-a"], "|"),
        (["grep", "web"], "&&"),
        (["echo", "ok"], ";"),
        (["ls"], ""),
    ]


@pytest.mark.parametrize(
    "line", ["echo a 2>&1", "echo a &> log", "cat <&3", "echo 'a | b'", 'echo "a;b"']
)
def test_redirections_and_quoted_operators_do_not_cut(line: str) -> None:
    assert [c.operator for c in split_commands(line, script=True)] == [""]


def test_a_substitution_stays_in_its_word_and_its_body_is_kept() -> None:
    (command,) = split_commands('docker rmi $(docker images | grep "none")', script=False)
    assert [s.body for s in command.substitutions] == ['docker images | grep "none"']
    *_, last = words(command.text, ("",))  # the substitution is one word, as written
    assert command.restore(last) == '$(docker images | grep "none")'
    assert command.restore(command.text, "$(…)") == "docker rmi $(…)"


def test_a_substitution_that_never_closes_runs_to_the_end() -> None:
    assert closing("$(docker ps", 0) is None
    assert closing("`date", 0) is None
    assert closing("$(echo $(date) ')') x", 0) == 18
    (command,) = split_commands("docker rm $(docker ps -q", script=False)
    assert command.substitutions[0].body == "docker ps -q"


def test_a_script_cuts_at_line_breaks_and_reads_glued_comments() -> None:
    text = "docker pull alpine# 获取镜像\ndocker images # 列出"
    assert _words_and_operators(text, script=True) == [
        (["docker", "pull", "alpine"], "\n"),
        (["docker", "images"], ""),
    ]


def test_a_command_line_ends_at_a_comment_and_keeps_a_glued_hash() -> None:
    assert _words_and_operators("echo a#b # note | grep x\nls", script=False) == [
        (["echo", "a#b"], ""),
    ]


def test_a_quote_left_open_is_closed_by_the_first_closer_that_balances_it() -> None:
    (command,) = split_commands("echo 'it is", script=True)
    assert command.open_quote == "'"
    assert words(command.text, ("", '"', "'")) == ["echo", "it is"]
    assert words(command.text, ("",)) == ["echo", "'it", "is"]  # none does: split at spaces


@given(st.text(alphabet="ab $()`'\"\\|&;#<>\n", max_size=40), st.booleans())
def test_any_line_splits_into_pieces_of_itself(line: str, script: bool) -> None:
    commands = split_commands(line, script=script)
    assert commands[-1].operator == ""
    for c in commands:  # nothing is made up: only comments and operators are left out
        assert c.restore(c.text) in line
