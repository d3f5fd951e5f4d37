"""Building with worker processes gives the very index a serial build gives, and a re-index
after edits gives the very index a build from scratch gives: users see the same answers
however their index came about."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, LINUX, SHIPPED

import qa.index as index_module
from qa.index import IndexStore

FLAG_NOTE = """# 新工具

参数：

-z, --zap=""    清掉所有缓存
--volume=""   挂载数据卷（这里另有说明）

docker volume prune --zap
"""


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A folder of real note shapes: the fixtures, the linux notes, the shipped notes."""
    folder = tmp_path / "notes"
    shutil.copytree(FIXTURES, folder / "shapes", ignore=shutil.ignore_patterns("*.jsonl"))
    shutil.copytree(LINUX, folder / "linux")
    shutil.copytree(SHIPPED, folder / "docker")
    return folder


def _build(corpus: Path, index: Path, jobs: int, **kw: object) -> index_module.BuildReport:
    return IndexStore(index, corpus).build(jobs=jobs, **kw)  # type: ignore[arg-type]


def _contents(index: Path) -> dict[str, object]:
    build = index / (index / "CURRENT").read_text("utf-8").strip()
    out: dict[str, object] = {name: (build / name).read_bytes()
                              for name in ("vocab.json", "words.json", "passages.jsonl")}
    for npz in ("postings.npz", "counts.npz"):
        with np.load(build / npz, allow_pickle=False) as z:
            for key in z.files:
                out[f"{npz}:{key}"] = (z[key].dtype.str, z[key].shape, z[key].tobytes())
    files = json.loads((build / "manifest.json").read_text("utf-8"))["files"]
    out["files"] = {k: {f: v for f, v in rec.items() if f != "mtime_ns"}
                    for k, rec in files.items()}
    return out


@pytest.fixture
def forced_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes even for a small collection, and several chunks per worker."""
    monkeypatch.setattr(index_module, "PARALLEL_FILES", 1)
    monkeypatch.setattr(index_module, "CHUNK_FILES", 3)


def test_two_workers_build_the_index_one_process_builds(
        notes: Path, tmp_path: Path, forced_parallel: None) -> None:
    serial = _build(notes, tmp_path / "serial", jobs=1)
    parallel = _build(notes, tmp_path / "parallel", jobs=2)
    assert (serial.parsed, serial.passages, serial.terms) == (
        parallel.parsed, parallel.passages, parallel.terms)
    assert serial.parsed > 10
    assert _contents(tmp_path / "serial") == _contents(tmp_path / "parallel")


@pytest.mark.parametrize("workers", [True, False], ids=["workers", "in-process"])
def test_reindex_after_edits_equals_a_fresh_build(
        notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool) -> None:
    """In-process, a few changed files are segmented with a dictionary cut to their
    characters: the same index all the same."""
    if workers:
        monkeypatch.setattr(index_module, "PARALLEL_FILES", 1)
        monkeypatch.setattr(index_module, "CHUNK_FILES", 3)
    index = tmp_path / "index"
    _build(notes, index, jobs=2)
    edited = notes / "shapes" / "headings.md"
    edited.write_text(edited.read_text("utf-8") + "\n清理构建缓存：\ndocker builder prune --all\n",
                      "utf-8")
    (notes / "shapes" / "unclosed-fence.md").unlink()
    # a new flag entry changes what commands in other, unchanged files are linked to
    (notes / "linux" / "flags-new.md").write_text(FLAG_NOTE, "utf-8")
    again = _build(notes, index, jobs=2)
    assert again.reused > 0 and again.parsed >= 2
    _build(notes, tmp_path / "fresh", jobs=1)
    assert _contents(index) == _contents(tmp_path / "fresh")


@pytest.mark.parametrize("workers", [True, False], ids=["workers", "in-process"])
def test_reindex_as_files_come_go_and_move_equals_a_fresh_build(
        notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool) -> None:
    """Files with no passages, binary files, files removed, renamed (moved elsewhere in the
    order of files) or made readable: each re-index gives what a build from scratch gives."""
    if workers:
        monkeypatch.setattr(index_module, "PARALLEL_FILES", 1)
        monkeypatch.setattr(index_module, "CHUNK_FILES", 3)
    index = tmp_path / "index"
    (notes / "shapes" / "empty.md").write_text("", "utf-8")
    (notes / "linux" / "binary.md").write_bytes(b"\x00\x01binary\x00" * 50)
    _build(notes, index, jobs=2)
    steps = [
        lambda: (notes / "shapes" / "empty.md").unlink(),
        lambda: (notes / "docker").rename(notes / "a-docker"),  # now first of the folders
        lambda: (notes / "linux" / "binary.md").write_text(FLAG_NOTE, "utf-8"),
        lambda: (notes / "linux" / "binary.md").write_bytes(b"\x00" * 10),
    ]
    for k, step in enumerate(steps):
        step()
        again = _build(notes, index, jobs=2)
        assert again.reused > 0
        fresh = tmp_path / f"fresh-{k}"
        _build(notes, fresh, jobs=1)
        assert _contents(index) == _contents(fresh), k


def test_unchanged_notes_are_all_reused(notes: Path, tmp_path: Path) -> None:
    first = _build(notes, tmp_path / "index", jobs=0)
    for f in notes.rglob("*.md"):
        f.touch()  # new mtimes, same content: hashed, not parsed
    again = _build(notes, tmp_path / "index", jobs=0)
    assert (again.parsed, again.reused) == (0, first.parsed)


def test_long_builds_report_progress_to_the_end(notes: Path, tmp_path: Path,
                                                forced_parallel: None) -> None:
    seen: list[tuple[int, int]] = []
    report = _build(notes, tmp_path / "index", jobs=2, progress=lambda k, n: seen.append((k, n)))
    total = seen[0][1]
    assert total >= report.files
    assert [k for k, _ in seen] == list(range(total))
