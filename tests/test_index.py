"""The index: safe files on disk, fresh answers after notes change, incremental rebuilds,
scikit-learn for a fresh build and nowhere else (not on the query path, not to re-index)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, run_python

from qa import Assistant

NEW_NOTE = "\n清理构建缓存：\ndocker builder prune --all\n"
NEW_QUESTION = "怎么清理构建缓存"


def _build_folder(index_dir: Path) -> Path:
    current = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    return index_dir / current


@pytest.fixture
def built(notes_copy: Path, tmp_path: Path) -> Assistant:
    a = Assistant(corpus=notes_copy, index=tmp_path / "index")
    a.build()
    return a


def test_build_reads_every_note_file(notes_copy: Path, tmp_path: Path) -> None:
    report = Assistant(corpus=notes_copy, index=tmp_path / "index").build()
    n = len(list(FIXTURES.glob("*.md")))
    assert (report.files, report.parsed, report.reused, report.skipped) == (n, n, 0, [])
    assert report.passages > n


def test_index_files_are_json_and_npz_only(built: Assistant) -> None:
    folder = _build_folder(Path(built.index_dir))
    files = sorted(p for p in folder.iterdir())
    assert files
    for p in files:
        assert p.suffix in (".json", ".jsonl", ".npz"), p.name
        if p.suffix == ".npz":
            with np.load(p, allow_pickle=False) as z:
                for name in z.files:
                    assert z[name].dtype != object, (p.name, name)
        elif p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        else:
            for line in p.read_text(encoding="utf-8").splitlines():
                json.loads(line)


def test_manifest_records_format_tokenizer_and_file_hashes(built: Assistant) -> None:
    manifest = json.loads((_build_folder(Path(built.index_dir)) / "manifest.json")
                          .read_text(encoding="utf-8"))
    assert isinstance(manifest["format"], int)
    assert isinstance(manifest["tokenizer"], dict) and manifest["tokenizer"]
    recorded = {Path(shown).name: rec["sha256"] for shown, rec in manifest["files"].items()}
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
               for p in Path(built.corpus).glob("*.md")}
    assert recorded == on_disk


def test_edited_notes_are_answered_by_a_new_assistant(built: Assistant) -> None:
    assert _commands(built, NEW_QUESTION).count("docker builder prune --all") == 0
    _append(Path(built.corpus) / "headings.md", NEW_NOTE)
    fresh = Assistant(corpus=built.corpus, index=built.index_dir)
    assert _commands(fresh, NEW_QUESTION)[:1] == ["docker builder prune --all"]


def test_edited_notes_are_answered_on_the_next_ask(built: Assistant) -> None:
    """A long-lived Assistant (the REPL, a library user) sees notes edited meanwhile."""
    assert "docker builder prune --all" not in _commands(built, NEW_QUESTION)
    _append(Path(built.corpus) / "headings.md", NEW_NOTE)
    assert _commands(built, NEW_QUESTION)[:1] == ["docker builder prune --all"]


def test_deleted_note_file_stops_being_answered(built: Assistant) -> None:
    assert "docker image prune -a" in _commands(built, "清理无用的镜像")
    (Path(built.corpus) / "unclosed-fence.md").unlink()
    fresh = Assistant(corpus=built.corpus, index=built.index_dir)
    assert "docker image prune -a" not in _commands(fresh, "清理无用的镜像")


def test_rebuild_reuses_unchanged_files(built: Assistant) -> None:
    n = len(list(Path(built.corpus).glob("*.md")))
    again = built.build()
    assert (again.parsed, again.reused) == (0, n)
    _append(Path(built.corpus) / "headings.md", NEW_NOTE)
    after_edit = built.build()
    assert (after_edit.parsed, after_edit.reused) == (1, n - 1)


def test_incremental_index_answers_like_a_fresh_one(built: Assistant, tmp_path: Path) -> None:
    _append(Path(built.corpus) / "headings.md", NEW_NOTE)
    assert built.build().reused > 0
    scratch = Assistant(corpus=built.corpus, index=tmp_path / "scratch")
    for q in (NEW_QUESTION, "查看最后一个容器", "容器的内存上限", "how do I list volumes",
              "解压", "docker run -p"):
        a, b = built.ask(q), scratch.ask(q)
        assert (a.found, [x.command for x in a.answers], [x.source for x in a.answers]) == (
            b.found, [x.command for x in b.answers], [x.source for x in b.answers]), q


def test_damaged_index_is_rebuilt(built: Assistant) -> None:
    (_build_folder(Path(built.index_dir)) / "vocab.json").write_text("[", encoding="utf-8")
    fresh = Assistant(corpus=built.corpus, index=built.index_dir)
    assert "docker ps -l" in _commands(fresh, "查看最后一个容器的信息")


@pytest.mark.parametrize("rules", ["lexicon", "glossary", "parser"])
def test_an_index_made_by_other_rules_is_rebuilt(built: Assistant, rules: str) -> None:
    """The lexicon and the glossary cut and describe the notes as much as the parser does: an
    index made with another of them (an older qa) is made anew, not read."""
    folder = _build_folder(Path(built.index_dir))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest[rules] = "made by another version"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    fresh = Assistant(corpus=built.corpus, index=built.index_dir)
    assert "docker ps -l" in _commands(fresh, "查看最后一个容器的信息")
    assert _build_folder(Path(built.index_dir)) != folder


_WITHOUT_SKLEARN = """
import importlib.abc, json, sys

class NoSklearn(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "sklearn" or name.startswith("sklearn."):
            raise ImportError("scikit-learn is blocked in this test")
        return None

sys.meta_path.insert(0, NoSklearn())
from qa import Assistant
r = Assistant(corpus=sys.argv[1], index=sys.argv[2]).ask("查看最后一个容器的信息")
print(json.dumps({"r": r.to_dict(), "sklearn": any(m.startswith("sklearn") for m in sys.modules)}))
"""


def test_prebuilt_index_answers_without_scikit_learn(built: Assistant) -> None:
    done = run_python(_WITHOUT_SKLEARN, str(built.corpus), str(built.index_dir))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["sklearn"] is False
    assert out["r"]["found"] is True
    assert out["r"]["answers"][0]["command"] == "docker ps -l"


def test_a_fresh_build_weighs_with_scikit_learn(tmp_path: Path) -> None:
    """The check above can fail: with no index yet, a build needs scikit-learn."""
    done = run_python(_WITHOUT_SKLEARN, str(FIXTURES), str(tmp_path / "index"))
    assert done.returncode != 0
    assert "scikit-learn is blocked" in done.stderr


def test_a_re_index_needs_no_scikit_learn(tmp_path: Path) -> None:
    """One file changed: the index is weighed again without importing scikit-learn."""
    notes = tmp_path / "notes"
    shutil.copytree(FIXTURES, notes)
    Assistant(corpus=notes, index=tmp_path / "index").build()
    _append(next(notes.rglob("*.md")), "\n查看所有镜像：\ndocker images -a\n")
    done = run_python(_WITHOUT_SKLEARN, str(notes), str(tmp_path / "index"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["r"]["answers"][0]["command"] == "docker ps -l"


def test_weights_are_scikit_learns_to_the_bit() -> None:
    """`tf_idf` gives what TfidfTransformer(sublinear_tf, smooth_idf, l2) gives, float for
    float: rows of one term to hundreds, counts small and large, a term in every row."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    from qa.index import tf_idf

    rng = np.random.default_rng(7)
    rows, terms = 400, 3000
    lengths = rng.integers(1, 40, rows)
    lengths[::50] = rng.integers(200, 700, len(lengths[::50]))
    indices = np.concatenate([np.sort(rng.choice(terms, n, replace=False)) for n in lengths])
    indices[np.cumsum(lengths) - lengths] = 0  # term 0 is in every row
    indices = np.concatenate([np.sort(r) for r in np.split(indices, np.cumsum(lengths)[:-1])])
    counts = rng.zipf(1.6, len(indices)).clip(1, 5000).astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    m = sparse.csr_matrix((counts, indices.astype(np.int32), indptr), shape=(rows, terms))
    m.sum_duplicates()
    m.sort_indices()
    weights, idf = tf_idf(m)
    tfidf = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2")
    expected = sparse.csr_matrix(tfidf.fit_transform(m))
    assert idf.dtype == np.float32 and idf.tobytes() == tfidf.idf_.astype(np.float32).tobytes()
    assert np.array_equal(weights.indptr, expected.indptr)
    assert np.array_equal(weights.indices, expected.indices)
    assert weights.data.dtype == np.float32
    assert weights.data.tobytes() == expected.data.astype(np.float32).tobytes()


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def _commands(a: Assistant, question: str) -> list[str | None]:
    return [x.command for x in a.ask(question).answers]
