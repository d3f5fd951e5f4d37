"""A damaged index is found out and rebuilt (or reported in one line, exit 2): truncated,
garbage, empty or missing files, a manifest of another format, a half-written build. Never a
wrong answer, never a traceback."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
from pathlib import Path

import pytest
from test_robust_notes import one_tokenizer  # noqa: F401 (a fixture)

from qa import Assistant, IndexUnusable
from qa.cli import main
from qa.index import FORMAT, Index, IndexStore

NOTES = {
    "containers.md": """# 容器

删除所有容器：
docker rm $(docker ps -aq)

## 查看

docker ps -a # 查看所有容器
""",
    "images.md": """# 镜像

docker images # 列出本地镜像

```
  -a, --all=false     列出所有镜像
  -q, --quiet=false   只显示镜像ID
```
""",
}
QUESTION = "删除所有容器"
INDEX_FILES = ("CURRENT", "manifest.json", "passages.jsonl", "vocab.json", "words.json",
               "postings.npz", "counts.npz")


def truncated(data: bytes) -> bytes | None:
    return data[: len(data) // 2]


def garbage(data: bytes) -> bytes | None:
    """The middle third overwritten (same length): what a bad sector or a stray write leaves."""
    noise = random.Random(len(data)).randbytes(max(1, len(data) // 3))
    start = len(data) // 3
    return data[:start] + noise + data[start + len(noise):]


def empty(data: bytes) -> bytes | None:
    return b""


def missing(data: bytes) -> bytes | None:
    return None


DAMAGES = [truncated, garbage, empty, missing]


def qa(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, one_tokenizer: object,  # noqa: F811
             ) -> tuple[Path, Path, dict[str, object]]:
    """Notes, their index, and the answer the index gives before anything is damaged."""
    corpus = tmp_path_factory.mktemp("notes")
    for name, text in NOTES.items():
        (corpus / name).write_text(text, "utf-8")
    index = tmp_path_factory.mktemp("pristine") / "index"
    answer = Assistant(corpus=corpus, index=index).ask(QUESTION).to_dict()
    assert answer["found"] and answer["answers"][0]["command"] == "docker rm $(docker ps -aq)"
    return corpus, index, answer


@pytest.fixture
def damageable(pristine: tuple[Path, Path, dict[str, object]], tmp_path: Path
               ) -> tuple[Path, Path, dict[str, object]]:
    corpus, index, answer = pristine
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    return corpus, copy, answer


def index_file(index: Path, name: str) -> Path:
    if name == "CURRENT":
        return index / name
    return index / (index / "CURRENT").read_text("utf-8").strip() / name


def damage(path: Path, how: object) -> None:
    changed = how(path.read_bytes())  # type: ignore[operator]
    if changed is None:
        path.unlink()
    else:
        path.write_bytes(changed)


@pytest.mark.parametrize("how", DAMAGES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("name", INDEX_FILES)
def test_each_damaged_index_file_is_found_out_and_rebuilt(
        damageable: tuple[Path, Path, dict[str, object]], name: str, how: object) -> None:
    corpus, index, answer = damageable
    damage(index_file(index, name), how)
    store = IndexStore(index, corpus)
    if name == "counts.npz":  # only a build reads it: questions are answered as before
        assert store.load() is not None
    else:  # found out: no index, or an unusable one
        try:
            assert store.load() is None
        except IndexUnusable as e:
            assert "\n" not in str(e)
    code, out, err = qa("ask", "--json", "--corpus", str(corpus), "--index", str(index),
                        QUESTION)
    assert (code, err) == (0, "")
    assert json.loads(out) == answer  # the same answer: never a wrong one
    reloaded = store.load()
    assert reloaded is not None and reloaded.n == json.loads(
        (reloaded.root / "manifest.json").read_text("utf-8"))["passages"]



@pytest.mark.parametrize("how", [
    truncated,
    garbage,
    empty,
    missing,
], ids=lambda f: getattr(f, "__name__", ""))
def test_qa_index_over_a_damaged_counts_file_builds_afresh(
        damageable: tuple[Path, Path, dict[str, object]], how: object) -> None:
    corpus, index, answer = damageable
    damage(index_file(index, "counts.npz"), how)
    code, out, err = qa("index", "--corpus", str(corpus), "--index", str(index))
    assert (code, err) == (0, "")
    code, out, _ = qa("ask", "--json", "--corpus", str(corpus), "--index", str(index), QUESTION)
    assert json.loads(out) == answer


def rewrite_manifest(index: Path, change: object) -> None:
    path = index_file(index, "manifest.json")
    manifest = json.loads(path.read_text("utf-8"))
    change(manifest)  # type: ignore[operator]
    path.write_text(json.dumps(manifest), "utf-8")


@pytest.mark.parametrize("change", [
    lambda m: m.update(format=FORMAT + 1),
    lambda m: m["checksums"].pop("vocab.json"),
    lambda m: m["checksums"].update({"words.json": "0" * 64}),
    lambda m: m.update(checksums=[]),
    lambda m: m.update(files=None),
    lambda m: m.clear(),
], ids=["newer-format", "checksum-missing", "checksum-wrong",
        "checksums-not-a-mapping", "files-not-a-mapping", "empty-object"])
def test_a_manifest_qa_cannot_trust_is_rebuilt(damageable: tuple[Path, Path, dict[str, object]],
                                               change: object) -> None:
    corpus, index, answer = damageable
    rewrite_manifest(index, change)
    with pytest.raises(IndexUnusable):
        IndexStore(index, corpus).load()
    assert Assistant(corpus=corpus, index=index).ask(QUESTION).to_dict() == answer


def test_a_manifest_of_other_rules_is_stale_and_rebuilt(
        damageable: tuple[Path, Path, dict[str, object]]) -> None:
    corpus, index, answer = damageable
    rewrite_manifest(index, lambda m: m["tokenizer"].update(version=-1))
    old = (index / "CURRENT").read_text("utf-8")
    assert Assistant(corpus=corpus, index=index).ask(QUESTION).to_dict() == answer
    assert (index / "CURRENT").read_text("utf-8") != old  # a new build


def test_checksums_naming_other_files_are_not_read(
        damageable: tuple[Path, Path, dict[str, object]]) -> None:
    corpus, index, _ = damageable
    rewrite_manifest(index, lambda m: m["checksums"].update(
        {"../../../nowhere/secret": "0" * 64, "/dev/zero": "0" * 64}))
    assert IndexStore(index, corpus).load() is not None  # (reading /dev/zero never ends)


def test_deeply_nested_json_is_damage_not_a_crash(
        damageable: tuple[Path, Path, dict[str, object]]) -> None:
    corpus, index, answer = damageable
    index_file(index, "manifest.json").write_text("[" * 100_000, "utf-8")
    with pytest.raises(IndexUnusable):
        IndexStore(index, corpus).load()
    assert Assistant(corpus=corpus, index=index).ask(QUESTION).to_dict() == answer


@pytest.mark.parametrize("pointer", ["", "../pristine", "build-nothing-here", "\x00\xff\xfe"])
def test_a_pointer_to_no_build_means_no_index(damageable: tuple[Path, Path, dict[str, object]],
                                              pointer: str) -> None:
    corpus, index, answer = damageable
    (index / "CURRENT").write_bytes(pointer.encode("utf-8", "surrogateescape"))
    assert IndexStore(index, corpus).load() is None
    assert Assistant(corpus=corpus, index=index).ask(QUESTION).to_dict() == answer


def test_a_half_written_build_is_never_read_and_is_cleared(
        damageable: tuple[Path, Path, dict[str, object]]) -> None:
    corpus, index, answer = damageable
    current = index_file(index, "manifest.json").parent
    half = index / "build-interrupted"  # a build killed before its manifest was written
    half.mkdir()
    for name in ("passages.jsonl", "vocab.json"):
        shutil.copy(current / name, half / name)
    (index / "CURRENT").write_text(half.name, "utf-8")
    assert IndexStore(index, corpus).load() is None
    assert Assistant(corpus=corpus, index=index).ask(QUESTION).to_dict() == answer
    assert not half.exists()  # cleared by the build that replaced it


def test_an_unusable_index_without_rebuilding_is_one_line(
        damageable: tuple[Path, Path, dict[str, object]]) -> None:
    corpus, index, _ = damageable
    damage(index_file(index, "postings.npz"), garbage)
    with pytest.raises(IndexUnusable) as e:
        Assistant(corpus=corpus, index=index, auto_build=False).ask(QUESTION)
    assert "\n" not in str(e.value) and "qa index" in str(e.value)


def test_damage_that_cannot_be_rebuilt_is_exit_2_in_one_line(
        damageable: tuple[Path, Path, dict[str, object]], tmp_path: Path) -> None:
    corpus, index, _ = damageable
    damage(index_file(index, "passages.jsonl"), garbage)
    binary = tmp_path / "now-binary"
    binary.mkdir()
    (binary / "a.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # nothing left to index
    for argv in (["ask", "--json", QUESTION], ["ask", QUESTION], ["index"]):
        code, out, err = qa(*argv, "--corpus", str(binary), "--index", str(index))
        assert code == 2 and out == ""
        assert len(err.splitlines()) == 1 and err.startswith("qa: ")


def test_a_loaded_index_keeps_reading_what_it_checked(
        damageable: tuple[Path, Path, dict[str, object]]) -> None:
    corpus, index, _ = damageable
    loaded = IndexStore(index, corpus).load()
    assert isinstance(loaded, Index)
    before = [loaded.passage(i) for i in range(0, loaded.n, 2)]
    # the folder replaced or deleted under a running qa (a rebuild elsewhere, a clean-up)
    passages = index_file(index, "passages.jsonl")
    passages.unlink()
    passages.write_bytes(b"{}\n" * 100)
    shutil.rmtree(passages.parent)
    assert [loaded.passage(i) for i in range(0, loaded.n, 2)] == before
    assert [p.text for p in loaded.all_passages()] == [loaded.passage(i).text
                                                       for i in range(loaded.n)]


def test_damage_that_keeps_size_and_time_is_never_a_wrong_answer(
        damageable: tuple[Path, Path, dict[str, object]]) -> None:
    """Loading trusts the size and modification time recorded for passages.jsonl; garbage
    written behind them (and the time put back) is still never an answer or a traceback,
    and a build does not carry it over."""
    corpus, index, answer = damageable
    path = index_file(index, "passages.jsonl")
    st = path.stat()
    damage(path, garbage)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    code, out, err = qa("ask", "--json", "--corpus", str(corpus), "--index", str(index),
                        QUESTION)
    assert (code, err) == (0, "") and json.loads(out) == answer or \
        code == 2 and out == "" and len(err.splitlines()) == 1
    code, out, err = qa("index", "--corpus", str(corpus), "--index", str(index))
    assert (code, err) == (0, "")
    code, out, _ = qa("ask", "--json", "--corpus", str(corpus), "--index", str(index), QUESTION)
    assert json.loads(out) == answer
