"""One tokenizer for notes and questions: what it keeps whole, what it drops."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, SHIPPED, run_python
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import Assistant
from qa.index import IndexStore
from qa.tokenize import Tokenizer


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer.full()


def test_short_flags_are_case_sensitive(tok: Tokenizer) -> None:
    lower = tok.terms("docker run -p 90:80 nginx")
    upper = tok.terms("docker run -P nginx")
    assert "-p" in lower and "-P" not in lower
    assert "-P" in upper and "-p" not in upper


@pytest.mark.parametrize("flag", ["--memory", "--publish-all", "--cap-drop", "--volumes-from"])
def test_long_flags_are_kept_whole(tok: Tokenizer, flag: str) -> None:
    assert flag in tok.terms(f"docker run {flag}=[] nginx")


def test_hyphenated_program_is_kept_whole(tok: Tokenizer) -> None:
    assert "docker-machine" in tok.terms("docker-machine create demo1")
    assert "docker-machine" in tok.terms("用docker-machine新建一台虚拟机")


def test_command_substitution_is_kept_whole(tok: Tokenizer) -> None:
    terms = tok.terms("docker rm $(docker ps -aq) #删除所有容器")
    assert "$(docker ps -aq)" in terms
    assert "删除" in terms and "容器" in terms


@pytest.mark.parametrize("path", ["/var/lib/mysql", "mycontainer:/opt/test/file.txt",
                                  "/etc/resolv.conf", "~/.ssh/id_ed25519"])
def test_paths_are_kept_whole(tok: Tokenizer, path: str) -> None:
    body = path.lstrip("/~.")
    assert any(body in t for t in tok.terms(f"cat {path}")), tok.terms(f"cat {path}")


@pytest.mark.parametrize("word", ["如何", "怎么", "什么", "how", "what", "How", "What",
                                  "怎么样", "为什么"])
def test_question_words_give_no_terms(tok: Tokenizer, word: str) -> None:
    assert tok.terms(word) == []


@pytest.mark.parametrize(("question", "bare"), [
    ("如何删除所有容器", "删除所有容器"),
    ("怎么查看容器日志", "查看容器日志"),
    ("what is docker-machine", "docker-machine"),
    ("how do I delete all containers", "delete all containers"),
    ("why doesn't the container start", "why container start"),
    ("it isn't running and I can't see why", "running see why"),
])
def test_asking_with_a_question_word_changes_nothing(tok: Tokenizer, question: str,
                                                     bare: str) -> None:
    assert tok.terms(question) == tok.terms(bare)


def test_full_width_and_ascii_give_the_same_terms(tok: Tokenizer) -> None:
    assert tok.terms("ｄｏｃｋｅｒ　ｐｓ　－ａ") == tok.terms("docker ps -a")


def test_notes_and_questions_are_cut_alike(shipped: Assistant) -> None:
    """Questions are cut with the dictionary kept in the index; every text of the notes must
    come out of it exactly as it did when the notes were indexed."""
    index = IndexStore(Path(shipped.index_dir), SHIPPED).load()
    assert index is not None
    for_notes = Tokenizer.full()
    for_questions = Tokenizer(index.words, index.total, prefixes=False)  # as the library does
    checked = 0
    for passage in index.all_passages():
        for text in (passage.text, passage.command, passage.description, passage.context,
                     passage.section):
            if text:
                assert for_questions.terms(text) == for_notes.terms(text), text
                checked += 1
    assert checked > 200


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("容器镜像删除所有查看运行端口映射数据卷网络命名空间的了吗"),
               max_size=40))
def test_finding_words_without_prefixes_finds_the_same(tok: Tokenizer, text: str) -> None:
    """Trying every length up to the longest word finds what jieba's prefix walk finds."""
    scan = Tokenizer(tok.words, tok.total, tok.lexicon, prefixes=False)
    assert scan.terms(text) == tok.terms(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_clean_terms(tok: Tokenizer, text: str) -> None:
    assert all(t and t == t.strip() for t in tok.terms(text))


_CUT_AND_ASK = """
import sys
from qa import Assistant
from qa.tokenize import Tokenizer
Tokenizer.full().terms("如何删除所有容器 docker-machine --memory")
Assistant(corpus=sys.argv[1], index=sys.argv[2]).ask("怎么查看最后一个容器")
"""


def test_no_jieba_cache_in_the_shared_temp_dir(tmp_path: Path) -> None:
    shared_tmp = tmp_path / "shared-tmp"
    shared_tmp.mkdir()
    env = {"TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = run_python(_CUT_AND_ASK, str(FIXTURES), str(tmp_path / "index"), env=env)
    assert done.returncode == 0, done.stderr
    assert not [p.name for p in shared_tmp.iterdir() if "jieba" in p.name]


def test_jieba_left_to_itself_would_write_there(tmp_path: Path) -> None:
    """The check above watches the right place: jieba's own default cache lands in TMPDIR."""
    done = run_python("import jieba, logging; jieba.setLogLevel(logging.ERROR); "
                      "jieba.initialize()", env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir() if "jieba" in p.name]


def test_importing_and_tokenizing_print_nothing(tmp_path: Path) -> None:
    code = ("import qa\nfrom qa.tokenize import Tokenizer\n"
            "Tokenizer.full().terms('如何删除所有容器')\n")
    done = run_python(code, env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")


def test_words_of_the_lexicon_win_the_cut(tok: Tokenizer) -> None:
    """最多 is all but missing from jieba's counts (最 + 多用 would win): a word the lexicon knows
    is cut whole, so 多用 (versatile) does not turn up in a question about memory."""
    words = [u.surface for u in tok.units("限制容器最多用多少内存")]
    assert "最多" in words and "多用" not in words


def test_how_rare_a_word_is_comes_from_the_language_not_the_lexicon(tok: Tokenizer) -> None:
    """Cutting a lexicon word whole does not make it an everyday word."""
    assert tok.background_weight("最多") == 1.0


def test_a_name_in_camel_case_says_its_words(tok: Tokenizer) -> None:
    """`PermitRootLogin no` is about root logins; `createIndex` creates an index. A product's
    name (GitHub, MySQL) is one word: GitHub is no answer to a question about git."""
    assert {"root", "login"} <= set(tok.terms("PermitRootLogin no"))
    assert {"creat", "index"} <= set(tok.terms("createIndex"))
    assert "git" not in tok.terms("GitHub") and "sql" not in tok.terms("MySQL")
    # a camel-case part of a longer name (a PowerShell cmdlet) says its words too
    assert {"child", "item"} <= set(tok.terms("Get-ChildItem D:\\logs -Recurse"))


def test_a_size_is_one_however_it_is_written(tok: Tokenizer) -> None:
    """`100MB` in a question, `-size +100M` in the notes: the same size; other names with
    digits keep theirs."""
    assert "100m" in tok.terms("files larger than 100MB")
    assert "100m" in tok.terms("find . -size +100M")
    assert "512m" in tok.terms("--memory 512MiB")
    assert "1.5g" in tok.terms("1.5GB")
    assert tok.terms("mp3 h264") == ["mp3", "h264"]
