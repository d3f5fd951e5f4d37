"""End to end: the installed `qa` in a real terminal (tmux), typed at and read off the screen.

Skipped only when tmux is missing outside CI; under CI=true a missing tmux is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qa.assistant import Assistant

TIMEOUT = 30.0
EXITED = re.compile(r"\[exited with status (\d+)\]")


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _installed_qa() -> str | None:
    beside = Path(sys.executable).with_name("qa")
    return str(beside) if beside.is_file() else shutil.which("qa")


class Screen:
    """One tmux session on a private socket running one command."""

    def __init__(self, tmux: str, socket: Path, env: dict[str, str]) -> None:
        self.tmux, self.socket, self.env = tmux, socket, env

    def tmux_cmd(self, *args: str) -> str:
        done = subprocess.run([self.tmux, "-u", "-f", os.devnull, "-S", str(self.socket), *args],
                              env=self.env, capture_output=True, text=True, timeout=TIMEOUT)
        assert done.returncode == 0, f"tmux {args[0]}: {done.stderr}"
        return done.stdout

    def start(self, program: str) -> None:
        # a shell reports the exit status on the screen (more reliable than tmux's
        # pane_dead_status, which a busy server can leave unset)
        script = '"$0"; echo "[exited with status $?]"; sleep 600'
        self.tmux_cmd("new-session", "-d", "-s", "qa", "-x", "110", "-y", "45",
                      "sh", "-c", script, program)

    def text(self) -> str:
        return self.tmux_cmd("capture-pane", "-p", "-J", "-t", "qa")

    def wait(self, ready: Callable[[str], bool], what: str) -> str:
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            screen = self.text()
            if ready(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"no {what} on the screen after {TIMEOUT}s:\n{self.text()}")

    def type(self, line: str) -> None:
        self.tmux_cmd("send-keys", "-t", "qa", "-l", line)
        self.tmux_cmd("send-keys", "-t", "qa", "Enter")

    def keys(self, *keys: str) -> None:
        self.tmux_cmd("send-keys", "-t", "qa", *keys)

    def exit_status(self) -> int:
        """The status qa exited with, as the shell that ran it printed it."""
        text = self.wait(lambda t: EXITED.search(t) is not None, "exit")
        found = EXITED.search(text)
        assert found
        return int(found.group(1))


@pytest.fixture
def screen(shipped: Assistant, tmp_path: Path) -> Iterator[Screen]:
    tmux = shutil.which("tmux")
    if tmux is None:
        if _ci():
            pytest.fail("tmux is required under CI (.ci/run installs it with apt-get)")
        pytest.skip("tmux is not installed")
    qa = _installed_qa()
    assert qa, "the qa console script is not installed (pip install -e .)"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TMUX", "LC_")) and k != "NO_COLOR"}
    env.update(LANG="C.UTF-8", TERM="xterm-256color", XDG_DATA_HOME=str(tmp_path / "data"),
               QA_CORPUS=str(shipped.corpus), QA_INDEX=str(shipped.index_dir))
    s = Screen(tmux, tmp_path / "tmux.sock", env)
    s.start(qa)
    try:
        yield s
    finally:
        subprocess.run([tmux, "-S", str(s.socket), "kill-server"], env=env,
                       capture_output=True, timeout=TIMEOUT)


def _prompts(n: int) -> Callable[[str], bool]:
    """The screen shows the n-th prompt, waiting for input."""
    def shown(text: str) -> bool:
        lines = [line for line in text.splitlines() if line.strip()]
        return text.count("qa›") >= n and bool(lines) and lines[-1].startswith("qa›")

    return shown


def test_a_chinese_question_and_its_follow_up(screen: Screen) -> None:
    first = screen.wait(_prompts(1), "prompt")
    assert "笔记" in first or "notes:" in first
    screen.type("如何删除所有容器")
    screen.wait(lambda t: "docker rm $(docker container ls -aq)" in t and _prompts(2)(t),
                "answer")
    screen.type("那镜像呢？")
    text = screen.wait(lambda t: "docker rmi $(docker image ls -q)" in t and _prompts(3)(t),
                       "follow-up answer")
    assert "→ 理解为：如何删除所有镜像" in text
    assert "2018-05-09-docker-notes-1.md:109" in text
    screen.keys("C-d")
    assert screen.exit_status() == 0
    print(text)


def test_an_english_question_and_its_follow_up(screen: Screen) -> None:
    screen.wait(_prompts(1), "prompt")
    screen.type("how do I list containers")
    screen.wait(lambda t: "docker ps" in t and _prompts(2)(t), "answer")
    screen.type("and images?")
    text = screen.wait(lambda t: "docker images" in t and _prompts(3)(t), "follow-up answer")
    assert "→ as: how do I list images" in text
    screen.type(":more")
    screen.wait(_prompts(4), "next answer")
    screen.keys("x", "C-c")  # clears the line, stays
    screen.wait(_prompts(5), "a fresh prompt after Ctrl-C")
    screen.type(":quit")
    assert screen.exit_status() == 0
    print(text)
