"""Shared fixtures: the note shapes under tests/fixtures/, the shipped notes, the linux-zh and
ops-zh notes.

Every test runs with QA_CORPUS/QA_INDEX unset and XDG_CACHE_HOME pointing into a temporary
folder, so no test reads or writes the user's own index or cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa import Assistant, Passage
from qa.notes import parse_file

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SHIPPED = ROOT / "corpus"
DOCKER_NOTES = SHIPPED / "2018-05-09-docker-notes-1.md"
LINUX = TESTS / "corpora" / "linux-zh"
OPS = TESTS / "corpora" / "ops-zh"
DEV_EN = TESTS / "corpora" / "dev-en"
KB = TESTS / "corpora" / "kb-mixed"
SRE = TESTS / "corpora" / "sre-mixed"
VAULT = TESTS / "corpora" / "vault-zh"
BLOG = TESTS / "corpora" / "blog-zh"
PASTE = TESTS / "corpora" / "paste-zh"
NOTEBOOK = TESTS / "corpora" / "notebook-zh"
DOCSITE = TESTS / "corpora" / "docsite-zh"
EVAL = TESTS / "eval"

# Notes in GBK: written as bytes by the `gbk_notes` fixture (an editor would re-encode them).
GBK_TEXT = """# 备份笔记

## 打包

把日志目录打包压缩：
tar -czvf logs.tar.gz /var/log/nginx

定时备份写进 crontab，每天凌晨两点执行。
"""

# Notes saved by a Windows editor: UTF-8 with a byte order mark, CRLF line ends.
BOM_CRLF_TEXT = """# 远程登录

- 用密钥登录服务器：

`ssh -i {{~/.ssh/id_ed25519}} {{用户}}@{{主机}}`

- 把本地公钥装到服务器上：

`ssh-copy-id {{用户}}@{{主机}}`
"""


@pytest.fixture(scope="session", autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("QA_CORPUS", raising=False)
        mp.delenv("QA_INDEX", raising=False)
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        mp.setenv("NO_COLOR", "1")
        yield


def parse(path: Path, shown: str | None = None) -> list[Passage]:
    """The passages a user gets from one notes file."""
    return parse_file(path, shown or path.name).passages


def fixture_passages(name: str) -> list[Passage]:
    return parse(FIXTURES / name)


@pytest.fixture
def gbk_notes(tmp_path: Path) -> Path:
    path = tmp_path / "backup-gbk.md"
    path.write_bytes(GBK_TEXT.encode("gbk"))
    return path


@pytest.fixture
def bom_crlf_notes(tmp_path: Path) -> Path:
    path = tmp_path / "ssh-bom-crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + BOM_CRLF_TEXT.replace("\n", "\r\n").encode("utf-8"))
    return path


@pytest.fixture
def notes_copy(tmp_path: Path) -> Path:
    """A private, writable copy of the fixture notes (tests may edit it)."""
    dest = tmp_path / "notes"
    shutil.copytree(FIXTURES, dest)
    return dest


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shipped-index")


@pytest.fixture(scope="session")
def shipped(shipped_index: Path) -> Assistant:
    """An Assistant on the shipped Docker notes, its index built once per session."""
    a = Assistant(corpus=SHIPPED, index=shipped_index)
    a.warm_up()
    return a


def _collection(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Assistant:
    """An Assistant on a collection of tests/corpora, its index built once per session."""
    a = Assistant(corpus=corpus, index=tmp_path_factory.mktemp(f"{corpus.name}-index"))
    a.warm_up()
    return a


@pytest.fixture(scope="session")
def linux(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/linux-zh: tldr pages, a GBK file, a BOM+CRLF file."""
    return _collection(tmp_path_factory, LINUX)


@pytest.fixture(scope="session")
def ops(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/ops-zh: question headings, nested lists, inline commands, sessions at a
    prompt, SQL blocks, HTML."""
    return _collection(tmp_path_factory, OPS)


@pytest.fixture(scope="session")
def dev_en(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/dev-en: English notes (cheat sheets, prompts, tables)."""
    return _collection(tmp_path_factory, DEV_EN)


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/kb-mixed: FAQ, Obsidian callouts, tutorial prose, bold pseudo-headings,
    HTML tables, numbered headings, a dated journal, ~~~ fences, quoted sessions, continued
    lines and heredocs."""
    return _collection(tmp_path_factory, KB)


@pytest.fixture(scope="session")
def sre(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/sre-mixed: cheat-sheet tables, `**Q:**` / `A:` FAQs, `### 问：` sections,
    indented code, sessions with output, commented nginx/postgresql/ssh configuration, front
    matter, emoji headings, a CRLF file and a file named in Chinese."""
    return _collection(tmp_path_factory, SRE)


@pytest.fixture(scope="session")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/vault-zh: an Obsidian vault (front matter, wikilinks, callouts, tags,
    checklists, commands in a table's second column, `<details>`, steps with indented code,
    mongosh blocks, an English cheat sheet, fstab and ssh_config snippets)."""
    return _collection(tmp_path_factory, VAULT)


@pytest.fixture(scope="session")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/blog-zh: static-site sources (Hexo tags, Hugo shortcodes, MkDocs
    admonitions and tabs, Docusaurus containers, TOML front matter, root prompts)."""
    return _collection(tmp_path_factory, BLOG)


@pytest.fixture(scope="session")
def paste(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/paste-zh: troubleshooting notes pasted from web pages (<pre><code>
    blocks, 问题/原因/解决 sections with error output, 1）steps, a CRLF file)."""
    return _collection(tmp_path_factory, PASTE)


@pytest.fixture(scope="session")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/notebook-zh: Jupyter and Notion exports, Q&A pairs, a man-page layout
    with definition lists, setext and numbered headings, org-mode src blocks, prompts of
    psql, PowerShell and user@host shells, a CRLF file."""
    return _collection(tmp_path_factory, NOTEBOOK)


@pytest.fixture(scope="session")
def docsite(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """tests/corpora/docsite-zh: documentation-site Markdown (MkDocs admonitions and content
    tabs, Docusaurus/VuePress containers and <Tabs>, cheat-sheet tables with <br> and escaped
    pipes, titled fences, <kbd>, footnotes, sqlite> sessions, a CRLF file)."""
    return _collection(tmp_path_factory, DOCSITE)


def run_python(code: str, *args: str, env: dict[str, str] | None = None,
               cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh interpreter (for what only a new process can show)."""
    return run_interpreter("-c", code, *args, env=env, cwd=cwd)


def run_interpreter(*argv: str, env: dict[str, str] | None = None,
                    cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`python ARGV...` in a fresh process, with no QA_* variables from the caller."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, *argv], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=300)
