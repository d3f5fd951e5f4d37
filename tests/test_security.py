"""qa runs nothing it reads: no pickle, marshal or eval on anything from disk, no shell; jieba's
cache stays out of the shared temp folder; the index folder is the user's alone; and notes
cannot drive the terminal through the REPL or the CLI (control characters are made visible)."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT
from test_robust_notes import one_tokenizer  # noqa: F401 (a fixture)

from qa import Assistant, IndexUnusable
from qa.cli import main
from qa.index import IndexStore
from qa.render import Style, safe
from qa.repl import Chat
from qa.tokenize import Tokenizer, full_dictionary

SOURCES = sorted((ROOT / "qa").rglob("*.py"))
# Modules that turn bytes into running code (or objects that run code when loaded).
UNSAFE_MODULES = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle",
                  "joblib", "yaml", "pty"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
UNSAFE_OS = {"system", "popen", "startfile", "posix_spawn", "posix_spawnp", "fork", "forkpty"}
# The one place that starts a program: the REPL's :copy hands the command, as text on stdin,
# to a clipboard tool named by qa itself (never a shell, never the command).
SUBPROCESS_ALLOWED = {("repl.py", "copy_to_clipboard")}
# jieba's module-level functions use its default tokenizer, which caches its dictionary as a
# marshal file in the shared temp folder; qa only builds its own Tokenizer.
JIEBA_ALLOWED = {"Tokenizer", "setLogLevel", "__file__"}


def scan(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """(line, what, enclosing function) for each use of something on the lists above."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    functions: list[tuple[int, int, str]] = [
        (n.lineno, n.end_lineno or n.lineno, n.name) for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]

    def inside(line: int) -> str | None:
        spans = [(a, b, name) for a, b, name in functions if a <= line <= b]
        return min(spans, key=lambda s: s[1] - s[0])[2] if spans else None

    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield line, f"import {alias.name}", inside(line)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield line, f"import {node.module}", inside(line)
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in UNSAFE_CALLS:
                yield line, f"call {f.id}", inside(line)
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                yield line, f"call {f.value.id}.{f.attr}", inside(line)
                if f.attr == "load" and f.value.id in ("np", "numpy"):
                    safe_load = any(k.arg == "allow_pickle" and isinstance(k.value, ast.Constant)
                                    and k.value.value is False for k in node.keywords)
                    yield line, "np.load " + ("safe" if safe_load else "UNSAFE"), inside(line)
            for k in node.keywords:
                if k.arg == "shell":
                    yield line, "shell=", inside(line)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            yield line, f"attr {node.value.id}.{node.attr}", inside(line)


def findings(sources: list[Path], root: Path) -> list[str]:
    out = []
    for path in sources:
        where = path.relative_to(root).as_posix()
        for line, what, function in scan(path):
            kind, _, name = what.partition(" ")
            module = name.split(".")[0]
            bad = (
                kind == "import" and module in UNSAFE_MODULES
                or kind == "call" and name in UNSAFE_CALLS
                or kind == "call" and module == "os" and (
                    name.split(".")[1] in UNSAFE_OS or name.startswith(("os.exec", "os.spawn")))
                or kind in ("import", "call") and module == "subprocess"
                and (path.name, function) not in SUBPROCESS_ALLOWED
                or what == "np.load UNSAFE" or what == "shell="
                or kind == "attr" and module == "jieba" and name.split(".")[1] not in JIEBA_ALLOWED
            )
            if bad:
                out.append(f"{where}:{line}: {what} (in {function})")
    return out


def test_qa_never_unpickles_evals_or_shells_out() -> None:
    assert SOURCES and findings(SOURCES, ROOT) == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    planted = tmp_path / "qa" / "planted.py"
    planted.parent.mkdir()
    planted.write_text(
        "import pickle\nimport numpy as np\nimport subprocess\nimport jieba\n"
        "def f(p):\n    eval(p)\n    np.load(p)\n    subprocess.run(p, shell=True)\n"
        "    jieba.cut(p)\n    __import__('os').system(p)\n", "utf-8")
    found = "\n".join(findings([planted], tmp_path))
    for what in ("import pickle", "call eval", "np.load UNSAFE", "import subprocess",
                 "call subprocess.run", "shell=", "jieba.cut", "call __import__"):
        assert what in found


# --- what a built index holds ------------------------------------------------------------------
NOTES = """# 容器

删除所有容器：
docker rm $(docker ps -aq)

## 危险

清空一个目录：
rm -rf {marker_dir}

建一个标记文件：
touch {marker}

运行一段代码：
python -c "open('{marker}', 'w')" # 这行不能被执行

`touch {marker}`

docker run --name web $(touch {marker}) nginx # 替换也不能执行
"""


@pytest.fixture
def traps(tmp_path: Path, one_tokenizer: object) -> Iterator[tuple[Path, Path, Path, Path]]:  # noqa: F811
    """Notes whose commands, if anything ran them, would create `marker` or remove a folder."""
    marker, marker_dir = tmp_path / "RAN", tmp_path / "keep-me"
    marker_dir.mkdir()
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "traps.md").write_text(NOTES.format(marker=marker, marker_dir=marker_dir), "utf-8")
    yield notes, tmp_path / "index", marker, marker_dir


def test_index_files_hold_no_pickles(traps: tuple[Path, Path, Path, Path]) -> None:
    notes, index, _, _ = traps
    Assistant(corpus=notes, index=index).build()
    build = IndexStore(index, notes).current()
    assert build is not None
    names = sorted(p.name for p in build.iterdir())
    assert names == sorted(["manifest.json", "passages.jsonl", "vocab.json", "words.json",
                            "postings.npz", "counts.npz"])
    for name in names:
        if name.endswith(".npz"):
            with np.load(build / name, allow_pickle=False) as z:
                assert all(z[k].dtype != object for k in z.files)
        elif name.endswith(".json"):
            json.loads((build / name).read_text("utf-8"))
        else:
            for line in (build / name).read_text("utf-8").splitlines():
                json.loads(line)


class Payload:
    """A pickle that creates a file when it is loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def plant(build: Path, name: str, marker: Path) -> None:
    """Replace an index file with a pickle, and its checksum too (whoever can write the folder
    can write the manifest): only loading with allow_pickle=False stops it."""
    arrays: dict[str, Any] = {k: np.array([Payload(marker)], dtype=object) for k in (
        "indptr", "docs", "weights", "idf", "offsets", "data", "indices", "shape", "links")}
    np.savez(build / name, **arrays)
    manifest = json.loads((build / "manifest.json").read_text("utf-8"))
    manifest["checksums"][name] = hashlib.sha256((build / name).read_bytes()).hexdigest()
    (build / "manifest.json").write_text(json.dumps(manifest), "utf-8")


@pytest.mark.parametrize("name", ["postings.npz", "counts.npz"])
def test_a_planted_pickle_is_never_run(traps: tuple[Path, Path, Path, Path], name: str) -> None:
    notes, index, marker, _ = traps
    a = Assistant(corpus=notes, index=index)
    a.build()
    build = IndexStore(index, notes).current()
    assert build is not None
    plant(build, name, marker)
    if name == "postings.npz":
        with pytest.raises(IndexUnusable):
            IndexStore(index, notes).load()
    assert Assistant(corpus=notes, index=index).ask("删除所有容器").found  # loads or rebuilds
    Assistant(corpus=notes, index=index).build()  # a build reads the previous counts.npz
    assert not marker.exists()


def test_jieba_cache_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 traps: tuple[Path, Path, Path, Path]) -> None:
    import jieba

    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    monkeypatch.setenv("TMPDIR", str(shared))

    def no_default_dictionary(self: object, *args: object) -> None:
        raise AssertionError("jieba loaded its own dictionary (and its cache file)")

    monkeypatch.setattr(jieba.Tokenizer, "initialize", no_default_dictionary)
    notes, index, _, _ = traps
    monkeypatch.setattr(Tokenizer, "full", classmethod(  # a fresh one, for real
        lambda cls, lexicon=None: cls(*full_dictionary())))
    a = Assistant(corpus=notes, index=index)
    assert a.ask("删除所有容器").found
    assert list(shared.iterdir()) == []


def test_the_index_folder_is_the_users_alone(traps: tuple[Path, Path, Path, Path]) -> None:
    notes, _, _, _ = traps
    index = notes.parent / "new" / "deeper" / "index"
    old = os.umask(0)  # even with a umask that lets everyone in
    try:
        Assistant(corpus=notes, index=index).build()
    finally:
        os.umask(old)
    for folder in (index, index.parent, index.parent.parent):
        assert folder.stat().st_mode & 0o077 == 0, folder
    for build in index.glob("build-*"):
        assert build.stat().st_mode & 0o077 == 0
    assert (index / ".lock").stat().st_mode & 0o077 == 0


# --- qa never runs the commands it shows ---------------------------------------------------------
def qa(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"qa tried to run {args!r}")

    for name in ("system", "popen", "execv", "execvp", "execve", "spawnv", "posix_spawn"):
        monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)


def test_commands_in_answers_are_shown_never_run(traps: tuple[Path, Path, Path, Path],
                                                 nothing_runs: None) -> None:
    notes, index, marker, marker_dir = traps
    where = ["--corpus", str(notes), "--index", str(index)]
    assert qa("index", *where)[0] == 0
    for question in ("清空一个目录", "建一个标记文件", "运行一段代码", "替换也不能执行"):
        assert qa("ask", *where, question)[0] in (0, 1)
        assert qa("ask", "--json", *where, question)[0] in (0, 1)
    assert qa("explain", *where, f"rm -rf {marker_dir}")[0] == 0
    assert qa("explain", *where, f"docker run $(touch {marker}) nginx")[0] == 0
    qa("lint", *where)
    chat = Chat(Assistant(corpus=notes, index=index), Style(color=False),
                clipboard=lambda text: None)
    for line in ("建一个标记文件", ":source", ":explain", ":copy", "替换也不能执行", ":more"):
        chat.handle(line)
    assert not marker.exists() and marker_dir.is_dir()


# --- notes cannot drive the terminal -----------------------------------------------------------
ESCAPES = {
    "clear": "\x1b[2J", "title": "\x1b]0;pwned\x07", "colour": "\x1b[31m", "csi": "\x9b6n",
    "dcs": "\x90q\x9c", "bell": "\x07", "backspace": "\x08\x08", "cr": "\r",
    "rtl": "\u202e", "isolate": "\u2067", "delete": "\x7f",
}
EVIL_NOTES = """# 标题{title}

删除所有容器{clear}：
docker rm {colour}$(docker ps -aq){csi} # 删除所有容器{rtl}{bell}

## 参数{dcs}

docker run的相关参数：
```
  -m, --memory=""    指定容器的内存上限{backspace}{cr}
  -c, --cpu-shares=0 CPU 份额{isolate}{delete}
```
"""
TERMINAL_CONTROLS = set("\x00\x07\x08\x0d\x1b\x7f\x90\x9b\x9c\u202e\u2067")


def shown(text: str) -> set[str]:
    return TERMINAL_CONTROLS & set(text)


@pytest.fixture
def evil(tmp_path: Path, one_tokenizer: object) -> tuple[Path, Path]:  # noqa: F811
    notes = tmp_path / "notes"
    notes.mkdir()
    name = "evil\x1b[2Jname\u202e.md"  # a file name can carry escapes too
    (notes / name).write_text(EVIL_NOTES.format(**ESCAPES), "utf-8")
    return notes, tmp_path / "index"


def test_safe_makes_every_control_character_visible() -> None:
    everything = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u061c\u200e\u200f" + "".join(
        chr(c) for c in range(0x2028, 0x202F)) + "\u2066\u2067\u2068\u2069\udcff\ud800"
    out = safe(everything)
    assert all(c in "\t\n" or c.isprintable() for c in out)
    assert "\\x1b" in out and "\\x9b" in out and "\\u202e" in out and "\\xff" in out
    assert safe("docker rm 容器\t-f") == "docker rm 容器\t-f"


def test_cli_output_shows_no_control_characters(evil: tuple[Path, Path]) -> None:
    notes, index = evil
    where = ["--corpus", str(notes), "--index", str(index)]
    code, out, err = qa("index", *where)
    assert code == 0 and shown(out + err) == set()
    for argv in (["ask", "删除所有容器"], ["ask", "--top", "5", "内存上限"],
                 ["explain", "docker run -m 1g -c 2 nginx"], ["lint"],
                 ["ask", "\x1b[2J删除所有容器\x07"]):
        code, out, err = qa(*argv, *where)
        assert code in (0, 1), err
        assert shown(out + err) == set(), argv
    code, out, _ = qa("ask", "--json", *where, "删除所有容器")
    answer = json.loads(out)["answers"][0]
    assert "\x1b" not in out  # escaped by JSON, kept in the data
    assert "\x1b" in answer["command"] and answer["source"]["path"].startswith("notes/evil\x1b")


def test_repl_replies_show_no_control_characters(evil: tuple[Path, Path]) -> None:
    notes, index = evil
    chat = Chat(Assistant(corpus=notes, index=index), Style(color=False),
                clipboard=lambda text: None)
    for line in ("删除所有容器", ":source", ":explain", ":copy", "内存上限", ":more",
                 "\x1b[2J\x9b6n", ":\x1b[31mnope"):
        reply, going_on = chat.handle(line)
        assert going_on and shown(reply) == set(), line


def test_qa_index_names_skipped_files_without_their_escapes(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text("docker ps -a # 查看所有容器\n", "utf-8")
    (notes / "gone\x1b[2J.md").symlink_to(tmp_path / "nowhere")
    code, out, err = qa("index", "--corpus", str(notes), "--index", str(tmp_path / "index"))
    assert code == 0 and "gone" in err
    assert shown(out + err) == set()
