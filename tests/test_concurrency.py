"""Several processes building and reading one index folder at once, and threads sharing one
`Assistant`: every one of them succeeds and the index stays valid (builds go to a temporary
folder, become current by an atomic rename, one at a time under a lock)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT

from qa import Assistant
from qa.index import Index, IndexStore

NOTES = {
    "containers.md": """# 容器

删除所有容器：
docker rm $(docker ps -aq)

## 查看

docker ps -a # 查看所有容器
""",
    "images.md": """# 镜像

docker images # 列出本地镜像

docker rmi $(docker images -q) # 删除所有镜像
""",
}
QUESTIONS = {"删除所有容器": "docker rm $(docker ps -aq)", "列出本地镜像": "docker images",
             "删除所有镜像": "docker rmi $(docker images -q)", "查看所有容器": "docker ps -a"}

BUILDS = 2  # a builder's rounds

# One process: build (or ask) several times, each time through a new Assistant, so that every
# round reads CURRENT and loads a build that others may be replacing at that very moment.
WORKER = """
import json, sys
from qa import Assistant
role, corpus, index, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
questions = json.loads(sys.argv[5])
out = []
for _ in range(rounds):
    a = Assistant(corpus=corpus, index=index)
    if role == "build":
        out.append(a.build().passages)
    else:
        out += [[q, a.ask(q).to_dict()["answers"][0]["command"]] for q in questions]
print(json.dumps(out))
"""


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def start(role: str, corpus: Path, index: Path, rounds: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, role, str(corpus), str(index), str(rounds),
         json.dumps(list(QUESTIONS))], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def assert_one_valid_index(folder: Path, corpus: Path) -> Index:
    index = IndexStore(folder, corpus).load()
    assert index is not None  # loads: every checksum and consistency check passes
    builds = sorted(p.name for p in folder.iterdir() if p.name.startswith("build-"))
    assert index.root.name in builds and len(builds) <= 2  # the current and the one before
    assert not (folder / "CURRENT.tmp").exists()
    return index


def test_four_builders_and_four_readers_on_one_index_folder(notes: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"  # no index yet: readers race builders to make the first one
    workers = []
    built: set[int] = set()
    for _ in range(4):  # interleaved, so that reading and building overlap from the start
        workers.append(("build", start("build", notes, folder, rounds=BUILDS)))
        workers.append(("ask", start("ask", notes, folder, rounds=3)))
    for role, proc in workers:
        out, err = proc.communicate(timeout=300)  # (a guard against a hang, not a timing)
        assert proc.returncode == 0, f"{role}: {err}"
        assert "Traceback" not in err
        rounds = json.loads(out)
        if role == "build":
            assert len(rounds) == BUILDS
            built.update(rounds)
        else:
            assert len(rounds) == 3 * len(QUESTIONS)
            for question, command in rounds:
                assert command == QUESTIONS[question]  # never a wrong answer
    index = assert_one_valid_index(folder, notes)
    assert built == {index.n}  # every build made the same passages


def test_threads_share_one_assistant(notes: Path, tmp_path: Path) -> None:
    a = Assistant(corpus=notes, index=tmp_path / "index")  # not built yet: the threads race
    barrier = threading.Barrier(8)
    answers: list[tuple[str, str | None]] = []
    errors: list[BaseException] = []

    def ask(offset: int) -> None:
        try:
            barrier.wait()
            questions = list(QUESTIONS)
            for k in range(20):
                q = questions[(offset + k) % len(questions)]
                r = a.ask(q)
                answers.append((q, r.answers[0].command if r.found else None))
        except BaseException as e:  # reported below, with the thread's answers
            errors.append(e)

    def build() -> None:
        try:
            barrier.wait()
            for _ in range(2):
                a.build()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(7)]
    threads.append(threading.Thread(target=build))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(answers) == 7 * 20
    assert all(command == QUESTIONS[q] for q, command in answers)
    assert_one_valid_index(tmp_path / "index", notes)


def test_a_loaded_index_outlives_the_builds_that_replace_it(notes: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    a = Assistant(corpus=notes, index=folder)
    a.build()
    store = IndexStore(folder, notes)
    held = store.load()
    assert held is not None
    first = [held.passage(i) for i in range(held.n)]
    for _ in range(3):  # each build keeps the current and the previous: `held` is removed
        a.build()
    assert not held.root.exists()
    assert [held.passage(i) for i in range(held.n)] == first
    assert list(held.all_passages()) == first


def test_load_follows_current_when_a_build_is_replaced_while_being_read(
        notes: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    Assistant(corpus=notes, index=folder).build()
    store = IndexStore(folder, notes)
    fresh = store.current()
    assert fresh is not None
    gone = folder / "build-replaced"
    shutil.copytree(fresh, gone)
    (gone / "vocab.json").write_text("[]", "utf-8")  # read half-way when it was pruned
    pointers = iter([gone, fresh, fresh])

    class Racing(IndexStore):
        def current(self) -> Path | None:
            return next(pointers)

    index = Racing(folder, notes).load()
    assert index is not None and index.root == fresh
