"""The chat REPL, headless: prompt_toolkit's pipe input and `DummyOutput` stand for a terminal."""

from __future__ import annotations

import io
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qa.assistant import Assistant
from qa.cli import main
from qa.model import Result
from qa.render import Style, shell_spans
from qa.repl import (
    Chat,
    Loader,
    _completer,
    _open_history,
    greeting,
    history_path,
    run,
    trim_history,
    vocabulary,
)

RM_ALL = "docker rm $(docker container ls -aq)"
RMI_ALL = "docker rmi $(docker image ls -q)"
CTRL_C, CTRL_D = "\x03", "\x04"


@pytest.fixture(scope="session")
def assistant(shipped: Assistant) -> Assistant:
    """The shipped notes (conftest's `shipped`: its index is built once a session)."""
    return shipped


@pytest.fixture(autouse=True)
def _no_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """History goes to a temporary data dir, never the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)


def chat(assistant: Any, keys: str, **kw: Any) -> tuple[int, str]:
    """Type `keys` into a headless REPL; the exit status and what it printed."""
    out = io.StringIO()
    with create_pipe_input() as inp:
        inp.send_text(keys)
        watchdog = threading.Timer(30, inp.close)  # a hung prompt ends in EOF, not forever
        watchdog.start()
        try:
            status = run(assistant, stdin=io.StringIO(), stdout=out, input=inp,
                         output=DummyOutput(), **kw)
        finally:
            watchdog.cancel()
    return status, out.getvalue()


# --- the prompt ------------------------------------------------------------------------------


def test_a_question_and_its_follow_up(assistant: Assistant) -> None:
    status, text = chat(assistant, "如何删除所有容器\r那镜像呢？\r" + CTRL_D)
    assert status == 0
    first, second = text.index(RM_ALL), text.index(RMI_ALL)
    assert first < second
    assert "→ 理解为：如何删除所有镜像" in text[first:second + len(RMI_ALL)]
    assert "corpus/2018-05-09-docker-notes-1.md:109" in text[second:]


def test_the_prompt_says_which_words_it_read_as_others(assistant: Assistant) -> None:
    status, text = chat(assistant, "看容齐日志\r" + CTRL_D)
    assert status == 0
    assert text.index("(把「容齐」当作「容器」)") < text.index("docker logs 容器ID")


def test_an_english_follow_up(assistant: Assistant) -> None:
    status, text = chat(assistant, "how do I list containers\rand images?\r" + CTRL_D)
    assert status == 0
    assert "docker ps" in text and "→ as: how do I list images\ndocker images" in text


def test_more_shows_the_next_answer(assistant: Assistant) -> None:
    r = assistant.ask("如何删除所有容器", top=5)
    second = r.answers[1]
    status, text = chat(assistant, "如何删除所有容器\r:more\r" + CTRL_D)
    assert status == 0
    assert "第 1 个答案，共 5 个" in text and "第 2 个答案，共 5 个" in text
    after = text[text.index("第 1 个答案"):]
    assert f"{second.source.path}:{second.source.line}" in after


def test_ctrl_c_clears_the_line_and_the_session_goes_on(assistant: Assistant,
                                                        tmp_path: Path) -> None:
    history = tmp_path / "history"
    status, text = chat(assistant, "删除所有镜像 xyz" + CTRL_C + "如何删除所有容器\r" + CTRL_D,
                        history=history)
    assert status == 0
    assert text.splitlines()[2] == RM_ALL  # after the greeting: the line asked after Ctrl-C
    entries = history.read_text("utf-8")
    assert "+如何删除所有容器" in entries and "xyz" not in entries


def test_ctrl_c_at_an_empty_prompt_does_not_leave(assistant: Assistant) -> None:
    status, text = chat(assistant, CTRL_C + CTRL_C + "如何删除所有容器\r" + CTRL_D)
    assert status == 0 and RM_ALL in text


def test_ctrl_d_leaves_with_status_0(assistant: Assistant) -> None:
    status, text = chat(assistant, CTRL_D)
    assert status == 0
    assert text.startswith("qa ") and ":help" in text  # the greeting, then nothing


def test_quit(assistant: Assistant) -> None:
    status, text = chat(assistant, ":quit\r如何删除所有容器\r")
    assert status == 0 and RM_ALL not in text


class Flaky:
    """The shipped notes, but one question breaks the library."""

    def __init__(self, inner: Assistant) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def ask(self, question: str, top: int = 5) -> Result:
        if "炸" in question:
            raise RuntimeError("the index went away\nsecond line")
        return self.inner.ask(question, top)


def test_an_error_in_one_turn_is_one_line_and_the_session_goes_on(assistant: Assistant) -> None:
    status, text = chat(Flaky(assistant), "炸\r如何删除所有容器\r" + CTRL_D)
    assert status == 0
    errors = [line for line in text.splitlines() if line.startswith("qa: ")]
    assert errors == ["qa: error: RuntimeError: the index went away second line"]
    assert RM_ALL in text


class SlowIndex:
    """An assistant whose index takes as long as the test wants to load."""

    def __init__(self, inner: Assistant) -> None:
        self.inner = inner
        self.release = threading.Event()
        self.loaded_in: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def warm_up(self) -> None:
        self.loaded_in.append(threading.current_thread().name)
        self.release.wait(30)


def test_the_prompt_does_not_wait_for_the_index(assistant: Assistant) -> None:
    slow = SlowIndex(assistant)
    try:
        status, text = chat(slow, ":help\r" + CTRL_D)
        assert status == 0 and ":source" in text  # answered while the index was loading
        assert slow.loaded_in == ["qa-index"]  # loading started, in the background
    finally:
        slow.release.set()


def test_commands_source_copy_explain(assistant: Assistant) -> None:
    copied: list[str] = []

    def clipboard(text: str) -> str:
        copied.append(text)
        return "fakeclip"

    status, text = chat(assistant, "如何删除所有容器\r:source\r:copy\r:explain docker run -d\r"
                        ":bogus\r:qiut\r:exti\r" + CTRL_D, clipboard=clipboard)
    assert status == 0
    assert f"> 107  {RM_ALL} #删除所有容器" in text
    assert "  106  " in text and "  108  " in text  # the lines around it
    assert copied == [RM_ALL] and f"已用 fakeclip 复制： {RM_ALL}" in text
    assert "docker run -d" in text
    assert "没有 :bogus 这个命令" in text
    assert "没有 :qiut 这个命令：是不是 :quit？" in text  # (a slip is not a way out)
    assert "没有 :exti 这个命令：是不是 :exit？" in text


def test_copy_says_plainly_when_there_is_no_clipboard(assistant: Assistant) -> None:
    out = Chat(assistant, Style(color=False), clipboard=lambda text: None)
    out.handle("how do I list containers")
    reply, go_on = out.handle(":copy")
    assert go_on
    assert reply == ("No clipboard here (no pbcopy, wl-copy, xclip, xsel or tmux); "
                     "the command is:\ndocker ps")


def test_commands_before_any_answer(assistant: Assistant) -> None:
    c = Chat(assistant, Style(color=False), lang="en")
    assert c.handle(":source")[0] == c.handle(":copy")[0] == \
        "No answer on screen: ask a question first."
    assert c.handle(":more")[0] == "Ask a question first."
    assert c.handle(":explain")[0].startswith("Give a command line")
    assert c.handle("   ") == ("", True)


def test_help_in_the_language_of_the_conversation(assistant: Assistant) -> None:
    c = Chat(assistant, Style(color=False))
    assert c.handle(":help")[0].startswith("Ask about your notes")  # C.UTF-8 locale
    c.handle("如何删除所有容器")
    assert c.handle(":h")[0].startswith("用中文或英文")
    assert Chat(assistant, Style(color=False), lang="zh").handle(":help")[0].startswith("用中文")


def test_greeting_names_the_notes_and_the_index(assistant: Assistant) -> None:
    text = greeting(assistant, "en")
    assert "notes: " in text and "index: " in text and ":help" in text
    assert str(assistant.index_dir.name) in text and "corpus" in text
    assert "笔记：" in greeting(assistant, "zh")


# --- no terminal -----------------------------------------------------------------------------


def test_a_pipe_gets_plain_answers(assistant: Assistant) -> None:
    out = io.StringIO()
    status = run(assistant, stdin=io.StringIO("如何删除所有容器\n那镜像呢？\n\n:more\n"),
                 stdout=out)
    text = out.getvalue()
    assert status == 0
    assert RM_ALL in text and RMI_ALL in text and "第 2 个答案" in text
    assert "\x1b" not in text and "qa›" not in text  # no screen, no prompt, no colour


def test_the_cli_with_no_arguments_reads_a_pipe(assistant: Assistant) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--index", str(assistant.index_dir), "--corpus", str(assistant.corpus)],
                  stdin=io.StringIO("how do I list containers\nand images?\n"), stdout=out,
                  stderr=err)
    assert status == 0 and err.getvalue() == ""
    assert "docker ps" in out.getvalue() and "docker images" in out.getvalue()


# --- history ---------------------------------------------------------------------------------


def _history_file(n: int) -> str:
    return "".join(f"\n# 2024-01-01 00:00:{i % 60:02d}.000000\n+question {i}\n" for i in range(n))


def test_history_lives_in_the_users_data_dir(tmp_path: Path) -> None:
    assert history_path() == tmp_path / "data" / "qa" / "history"


def test_history_is_trimmed_at_start(tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text(_history_file(1500) + "\n# 2024\n+two\n+lines\n", "utf-8")
    history = _open_history(path)
    kept = list(history.load_history_strings())
    assert len(kept) == 1000
    assert kept[0] == "two\nlines" and kept[-1] == "question 501"  # newest first


def test_a_short_history_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text(_history_file(10), "utf-8")
    before = path.stat().st_mtime_ns
    trim_history(path, keep=10)
    assert path.stat().st_mtime_ns == before


def test_a_new_history_file_is_private(tmp_path: Path) -> None:
    _open_history(None)
    assert stat.S_IMODE(history_path().stat().st_mode) & 0o077 == 0


def test_an_unwritable_data_dir_keeps_history_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    history = _open_history(blocker / "qa" / "history")
    assert type(history).__name__ == "InMemoryHistory"


def test_leaving_before_the_index_has_loaded_prints_no_traceback(
        assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt's redraw fails once the session is over (no event loop): the loading thread
    must not die with a traceback on the user's terminal."""
    crashed: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashed.append(args.exc_value))

    def gone() -> None:
        raise RuntimeError("no running event loop")

    loader = Loader(assistant)
    loader.when_done(gone)
    loader.start()
    assert loader.done.wait(60)
    for t in threading.enumerate():
        if t.name == "qa-index":
            t.join(10)
    assert crashed == []


# --- completion ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def completer(assistant: Assistant) -> Any:
    loader = Loader(assistant)
    loader.vocabulary = vocabulary(assistant)
    return _completer(loader)


def complete(completer: Any, text: str, tab: bool = False) -> list[str]:
    event = CompleteEvent(text_inserted=not tab, completion_requested=tab)
    return [c.text for c in completer.get_completions(Document(text), event)]


def test_repl_commands_complete_fuzzily(completer: Any) -> None:
    assert complete(completer, ":ex")[0] == ":explain"
    assert complete(completer, ":sc")[0] == ":source"
    assert ":quit" in complete(completer, ":")


def test_flags_of_the_notes_complete_fuzzily(completer: Any) -> None:
    assert complete(completer, "docker run --memo")[0] == "--memory"
    assert "--memory" in complete(completer, "docker run --mmry")


def test_subcommands_complete_after_a_command(completer: Any) -> None:
    found = complete(completer, "docker rm")
    assert "rmi" in found or "rm" in found


def test_question_words_complete_only_on_tab(completer: Any) -> None:
    assert complete(completer, "how do I li") == []
    assert complete(completer, "如何删除所有容") == []


def test_flag_completions_carry_their_description(assistant: Assistant) -> None:
    assert vocabulary(assistant).get("--memory") == "指定容器的内存上限"


# --- shell highlighting of commands ----------------------------------------------------------


def test_commands_are_highlighted_as_shell() -> None:
    kinds = [(k, t) for k, t in shell_spans(RM_ALL) if t.strip()]
    assert kinds == [("program", "docker"), ("subcommand", "rm"), ("subst", "$("),
                     ("program", "docker"), ("subcommand", "container"),
                     ("subcommand", "ls"), ("flag", "-aq"), ("subst", ")")]
    assert ("placeholder", "容器ID") in shell_spans("docker logs 容器ID")
    coloured = Style(color=True).shell("docker run -d nginx")
    assert "\x1b[36m-d\x1b[0m" in coloured and "\x1b[1;32mdocker\x1b[0m" in coloured
    assert Style(color=False).shell("docker ps\x1b[2J") == "docker ps\\x1b[2J"


@given(st.text(max_size=80))
def test_highlighting_keeps_every_character(command: str) -> None:
    assert "".join(text for _, text in shell_spans(command)) == command


# --- the library addition behind :source -----------------------------------------------------


def test_around_reads_the_lines_of_the_note(assistant: Assistant) -> None:
    a = assistant.ask("如何删除所有容器").answers[0]
    lines = dict(assistant.around(a.source, lines=2))
    assert sorted(lines) == [105, 106, 107, 108, 109]
    assert lines[107].startswith(RM_ALL)


def test_around_never_leaves_the_notes(assistant: Assistant) -> None:
    from qa.errors import QAError
    from qa.model import Source

    with pytest.raises(QAError):
        assistant.around(Source("corpus/../pyproject.toml", 1, 1))
