"""The library as another tool embeds it: `from qa import Assistant`, frozen results, the JSON
contract, thread safety, silence, and no confident answer to what the notes do not cover."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIPPED

import qa
from qa import Assistant, NotesNotFound, QAError, Result

RESULT_KEYS = {"query", "found", "lang", "answers"}
ANSWER_KEYS = {"score", "kind", "command", "passage", "section", "source", "flags"}
SOURCE_KEYS = {"path", "line", "end_line"}
FLAG_KEYS = {"short", "long", "default", "description"}

OUT_OF_SCOPE = [
    "怎么煮一杯手冲咖啡", "how do I brew pour-over coffee",
    "明天北京天气怎么样", "what is the weather in Beijing tomorrow",
    "kubernetes 怎么扩容 pod", "how do I scale a kubernetes deployment",
    "今天茅台的股价是多少", "what is the stock price of Apple today",
    "JavaScript 的闭包是什么", "what is a closure in JavaScript",
    # near misses: Docker words around what the notes never speak of
    "how do I set up a docker swarm", "multi-stage builds in a Dockerfile",
]

def _notes(tmp_path: Path, name: str, text: str) -> Path:
    """A folder of notes holding one file."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / name).write_text(text, "utf-8")
    return notes


def _ask(tmp_path: Path, name: str, text: str, question: str) -> Result:
    """The answer to a question of notes holding one file."""
    return Assistant(_notes(tmp_path, name, text), tmp_path / "index").ask(question)


def _first_command(a: Assistant, question: str) -> str | None:
    """The command of the first answer to a question (None: not answered, or no command)."""
    r = a.ask(question)
    return r.answers[0].command if r.found else None


def _reader(tmp_path: Path, name: str, text: str) -> tuple[Assistant, Any]:
    """An assistant on notes holding one file, and how it reads questions."""
    a = Assistant(_notes(tmp_path, name, text), tmp_path / "index")
    return a, a.engine().analyzer



def test_public_api_is_importable_from_the_package() -> None:
    for name in ("Assistant", "Result", "Answer", "Passage", "Source", "FlagEntry",
                 "Explanation", "QAError"):
        assert name in qa.__all__
        assert hasattr(qa, name)


def test_contract_example(shipped: Assistant) -> None:
    r = shipped.ask("如何删除所有容器", top=5)
    d = r.to_dict()
    assert (d["query"], d["found"], d["lang"]) == ("如何删除所有容器", True, "zh")
    first = dict(d["answers"][0])
    assert 0 < first.pop("score") <= 1
    assert first == {
        "kind": "command", "command": "docker rm $(docker container ls -aq)",
        "passage": "docker rm $(docker container ls -aq) #删除所有容器", "section": "docker笔记1",
        "source": {"path": "corpus/2018-05-09-docker-notes-1.md", "line": 107, "end_line": 107},
        "flags": []}


def test_english_question_gets_the_same_command(shipped: Assistant) -> None:
    r = shipped.ask("how do I delete all containers")
    assert r.found and r.lang == "en"
    assert r.answers[0].command == "docker rm $(docker container ls -aq)"


def test_results_are_frozen_dataclasses(shipped: Assistant) -> None:
    r = shipped.ask("容器的内存上限怎么设置")
    assert r.found
    a = r.answers[0]
    records = [r, a, a.passage, a.source, *a.flags]
    assert a.flags, "a flag question should carry its flag entry"
    for rec in records:
        assert dataclasses.is_dataclass(rec)
        field = dataclasses.fields(rec)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(rec, field, None)
    assert isinstance(r.answers, tuple)


@pytest.mark.parametrize("question", ["如何删除所有容器", "容器的内存上限怎么设置", "--memroy",
                                      "how do I map a port", "怎么煮咖啡"])
def test_to_dict_has_exactly_the_contract_keys(shipped: Assistant, question: str) -> None:
    d = shipped.ask(question).to_dict()
    assert set(d) == RESULT_KEYS
    for answer in d["answers"]:
        # `warnings` is the one addition to the contract, present only when there are some
        assert set(answer) - {"warnings"} == ANSWER_KEYS
        assert set(answer["source"]) == SOURCE_KEYS
        for flag in answer["flags"]:
            assert set(flag) == FLAG_KEYS


def test_flag_answer_carries_the_flag_entry(shipped: Assistant) -> None:
    d = shipped.ask("容器的内存上限怎么设置").to_dict()
    flags = [{k: f.get(k) for k in FLAG_KEYS} for f in d["answers"][0]["flags"]]
    assert {"short": "-m", "long": "--memory", "default": '""',
            "description": "指定容器的内存上限"} in flags


def test_explain_suggests_the_flag_meant(shipped: Assistant) -> None:
    e = shipped.explain("docker run --detatch nginx")
    parts = {p.token: p for p in e.parts}
    assert parts["--detatch"].suggestion == "--detach"
    assert e.to_dict()["command"] == "docker run --detatch nginx"


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_questions_are_not_answered(shipped: Assistant, question: str) -> None:
    r = shipped.ask(question)
    answered = [a.command or a.text for a in r.answers]
    assert not r.found and answered == [], answered


def test_a_tool_the_notes_never_mention_is_not_answered_from_another(tmp_path: Path) -> None:
    """The notes dump MySQL; asked about postgres (named in Latin letters amid Chinese), they do
    not know, though 数据库/导出/备份 all match the MySQL line."""
    notes = _notes(tmp_path, "db.md",
                   "# 数据库\n\n导出备份所有数据库：\n"
                   "mysqldump -u root -p --all-databases > all.sql\n")
    a = Assistant(notes, tmp_path / "index")
    assert a.ask("mysql 数据库怎么导出备份").found
    assert not a.ask("postgres 数据库怎么导出备份").found
    assert a.ask("how do I back up every database").found
    # in English, a word the command glossary knows as a program is a name too
    assert not a.ask("how do I export every database with pg_dump").found
    # and so is a package that brings programs (fail2ban brings fail2ban-client)
    assert not a.ask("how do I back up every database for fail2ban").found


def test_a_tool_named_just_above_the_answer_counts(tmp_path: Path) -> None:
    """`cargo build` does not say Rust, but its page does, a few lines up."""
    r = _ask(tmp_path, "cargo.md",
             "# cargo\n\n> Rust's package manager and build tool.\n\n"
             "## new\n\n`cargo new app`\n\n## build\n\n"
             "- Build with optimisations for release:\n\n"
             "`cargo build --release`\n",
             "rust 项目怎么编译 release 版本")
    assert r.found and r.answers[0].command == "cargo build --release"


def test_a_task_is_answered_by_the_command_that_does_it(tmp_path: Path) -> None:
    """A sentence naming the task matches more of the question than the command below it;
    asked how to do the task, the command goes first; asked whether, the sentence."""
    a, _ = _reader(tmp_path, "zsh.md",
                   "# 终端\n\n新机器第一件事：把默认 shell 换成 zsh。\n\n"
                   "先装 zsh：`sudo apt install zsh`，然后 change default shell → "
                   "`chsh -s $(which zsh)`，重新登录生效。\n")
    for question in ("把默认 shell 换成 zsh", "change my default shell to zsh"):
        r = a.ask(question)
        assert r.found and r.answers[0].command == "chsh -s $(which zsh)", question
        assert r.answers[1].passage.text.startswith("新机器第一件事")
        assert r.answers[0].score >= r.answers[1].score  # scores fall down the answers
    r = a.ask("默认 shell 能不能换成 zsh")
    assert r.found and r.answers[0].passage.text.startswith("新机器第一件事")


def test_more_or_less_than_a_size(tmp_path: Path) -> None:
    """`larger than 100MB` is 大于 100M in Chinese notes; `smaller than` 小于."""
    a, _ = _reader(tmp_path, "find.md",
                   "# find\n\n- 查找空文件和空目录\n\n`find . -empty`\n\n"
                   "- 查找大于 100M 的文件\n\n`find . -type f -size +100M`\n\n"
                   "- 查找小于 1k 的文件\n\n`find . -type f -size -1k`\n\n"
                   "- 按文件名查找\n\n`find . -name '*.log'`\n")
    assert _first_command(a, "find files larger than 100MB") == "find . -type f -size +100M"
    assert _first_command(a, "find files smaller than 1KB") == "find . -type f -size -1k"


def test_a_command_the_notes_never_use_is_not_answered(shipped: Assistant, tmp_path: Path) -> None:
    """Asked about `docker stats`, notes that never use it do not answer with another
    command that matches the rest of the question (`docker container ls -f status=exited`);
    commands they use are answered, also those with a word no passage is indexed under
    (`ip a`)."""
    for question in ("docker stats 怎么看所有容器的 CPU 占用", "用 docker stats 实时看容器 CPU",
                     "docker stats 怎么只看一次 CPU 占用"):
        assert not shipped.ask(question).found, question
    r = shipped.ask("docker ps 怎么把停止的容器也列出来")
    assert r.found and r.answers[0].command.startswith("docker ps -a")
    a, _ = _reader(tmp_path, "net.md",
                   "# netns\n\n- 在网络命名空间里看地址\n\n`ip netns exec test1 ip a`\n\n"
                   "- 列出所有容器\n\n`docker ps -a`\n\n- 删除镜像\n\n`docker rmi nginx`\n")
    assert _first_command(a, "run ip a inside a network namespace") == "ip netns exec test1 ip a"
    # a command by another of its names (docker container ls is docker ps)
    assert _first_command(a, "list all containers with docker container ls") == "docker ps -a"
    assert _first_command(a, "how to remove an image with docker image rm") == "docker rmi nginx"


def test_the_answer_speaks_of_the_tool_the_question_names(tmp_path: Path) -> None:
    """Asked for Windows, the Windows line answers, though the Linux one matches more words;
    a passage that only names the tool does not."""
    notes = _notes(tmp_path, "linux.md",
                   "# Linux 网络\n\n测远程端口通不通：\n\n```bash\nnc -zv 10.0.0.5 3306\n```\n")
    (notes / "powershell.md").write_text(
        "# PowerShell\n\n测端口，相当于 nc：\n\n"
        "```powershell\nTest-NetConnection 10.0.0.5 -Port 3306\n```\n", "utf-8")
    (notes / "windows.md").write_text(
        "# Windows\n\n查看 IP 配置：\n\n```\nipconfig /all\n```\n", "utf-8")
    a = Assistant(notes, tmp_path / "index")
    assert a.ask("测一下远程 3306 端口通不通").answers[0].command == "nc -zv 10.0.0.5 3306"
    r = a.ask("powershell 里测一下远程 3306 端口通不通")
    assert r.found and r.answers[0].command == "Test-NetConnection 10.0.0.5 -Port 3306"
    assert not a.ask("windows 下测一下远程 3306 端口通不通").found


def test_a_word_in_angle_brackets_is_that_word(tmp_path: Path) -> None:
    """`<none>` as docker prints it is the `none` the notes grep for."""
    r = _ask(tmp_path, "img.md",
             "# 镜像\n\n删除中间状态镜像：\n\n```\ndocker rmi $(docker images | grep \"none\")\n"
             "```\n\n删除所有镜像：\n\n```\ndocker rmi $(docker images -q)\n```\n",
             "clean up dangling <none> images")
    assert r.found and r.answers[0].command == 'docker rmi $(docker images | grep "none")'


def test_a_name_of_letters_and_digits_the_lexicon_knows_has_its_synonyms(tmp_path: Path) -> None:
    """h265 is HEVC: notes that say HEVC answer a question that says h265."""
    r = _ask(tmp_path, "video.md",
             "用 HEVC 压缩视频：`ffmpeg -i in.mov -c:v libx265 -crf 28 out.mp4`\n\n"
             "转成 webm：`ffmpeg -i in.mov -c:v libvpx-vp9 out.webm`\n", "怎么把视频转成 h265")
    assert r.found and r.answers[0].command == "ffmpeg -i in.mov -c:v libx265 -crf 28 out.mp4"


def test_threads_asking_at_once_get_the_same_answers(shipped_index: Path,
                                                     shipped: Assistant) -> None:
    questions = ["如何删除所有容器", "how do I list images", "端口映射", "--memroy",
                 "查看容器日志", "怎么煮咖啡", "docker run -P 是什么意思", "进入容器"]
    expected = {q: shipped.ask(q).to_dict() for q in questions}
    cold = Assistant(corpus=SHIPPED, index=shipped_index)  # loads its index under the race
    start = threading.Barrier(8)
    got: dict[int, list[dict[str, Any]]] = {}
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            start.wait()
            got[k] = [cold.ask(q).to_dict() for q in questions[k:] + questions[:k]]
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for k, results in got.items():
        for d in results:
            assert d == expected[d["query"]], (k, d["query"])
    assert len(got) == 8


def test_library_prints_nothing(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a = Assistant(corpus=SHIPPED, index=tmp_path / "index")
    a.ask("如何删除所有容器")
    a.ask("how do I brew coffee")
    a.explain("docker run -d -p 90:80 nginx")
    assert capfd.readouterr() == ("", "")


def test_missing_notes_raise_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(NotesNotFound) as info:
        Assistant(corpus=tmp_path / "no-such-notes").ask("如何删除所有容器")
    assert isinstance(info.value, QAError)
    assert "no-such-notes" in str(info.value)


def test_a_word_the_notes_use_only_in_a_heading_is_no_typo(tmp_path: Path) -> None:
    """`sqlite` stems to `sqlit`, one letter from `split`: the notes' heading says SQLite, so it
    is taken as written; two swapped letters (nignx) are still put right."""
    _, analyzer = _reader(tmp_path, "db.md",
                          "# SQLite 速查\n\n列出所有表：\n\n```\n.tables\n```\n\n"
                          "# nginx\n\n重新加载配置：`nginx -s reload`\n\n"
                          "# 文本\n\n按行切分文件：`split -l 100 big.txt`\n")
    assert analyzer.analyze("sqlite 列出所有表").corrections == ()
    assert analyzer.analyze("nignx 重新加载配置").corrections == (("nignx", "nginx"),)
    # one letter wrong in a longer word is a typo too; in a short one it may be another word
    assert analyzer.analyze("nginx reloaf").corrections == (("reloaf", "reload"),)
    assert analyzer.analyze("splat 大文件").corrections == ()
    # a word that a longer one begins is another word (capital, capitalize), not its typo
    assert analyzer.analyze("reloa nginx").corrections == (("reloa", "reload"),)
    assert analyzer.analyze("the capital of australia").corrections == ()


def test_a_typo_the_stemmer_would_hide_is_read_as_typed(tmp_path: Path) -> None:
    """postgers stems to postger, which is no stem of postgres; swapped back as typed it is
    postgres. sqllite has a letter too many inside. An ending is no extra letter (faster)."""
    a, analyzer = _reader(tmp_path, "db.md",
                          "# postgres\n\n看当前在跑的查询：`SELECT * FROM pg_stat_activity;`\n\n"
                          "# sqlite\n\n导出整个库：`sqlite3 app.db .dump > backup.sql`\n\n"
                          "# 网络\n\n测一下网速快不快：`speedtest --fast`\n")
    assert analyzer.analyze("postgers 看当前在跑的查询").corrections == (("postgers", "postgr"),)
    r = a.ask("postgers 看当前在跑的查询")
    assert r.found and r.answers[0].command == "SELECT * FROM pg_stat_activity;"
    assert analyzer.analyze("sqllite 导出整个库").corrections == (("sqllite", "sqlit"),)
    assert analyzer.analyze("a faster network").corrections == ()


def test_a_misspelt_name_is_one_slip_from_the_notes_name(tmp_path: Path) -> None:
    """hash-check begins hash-checking: another name, as typed; secure-file-priv is the notes'
    secure_file_priv (separators are one slip); pg-dumpp one letter from pg-dump."""
    _, analyzer = _reader(tmp_path, "n.md",
                          "# 笔记\n\n"
                          "hash-checking 模式：`pip install --require-hashes -r r.txt`\n\n"
                          "看导出目录：`SHOW VARIABLES LIKE 'secure_file_priv';`\n\n"
                          "备份：`pg-dump shop > shop.sql`\n")
    assert analyzer.analyze("hash-check 怎么开").corrections == ()
    assert analyzer.analyze("secure-file-priv 在哪").corrections == (
        ("secure-file-priv", "secure_file_priv"),)
    assert analyzer.analyze("pg-dumpp 备份").corrections == (("pg-dumpp", "pg-dump"),)


@pytest.mark.parametrize(("question", "command"), [
    ("how to see container logs in real time", "docker logs 容器ID"),  # logs, then in real time
    ("how do I log in to docker hub", "docker login"),  # the phrase `log in`
])
def test_a_plural_before_a_preposition_is_no_phrasal_verb(shipped: Assistant, question: str,
                                                          command: str) -> None:
    r = shipped.ask(question)
    assert r.found and r.answers[0].command == command


def test_a_tool_named_by_with_that_the_notes_never_mention_is_refused(tmp_path: Path) -> None:
    """`… with bpftrace`: a tool the notes do not know; `… with strace`: one they do."""
    a, _ = _reader(tmp_path, "trace.md",
                   "# 排查\n\n跟踪进程的系统调用 trace syscalls：`strace -f -p 4321`\n\n"
                   "看打开了哪些文件：`lsof -p 4321`\n")
    assert not a.ask("trace syscalls with bpftrace").found
    r = a.ask("trace syscalls with strace")
    assert r.found and r.answers[0].command == "strace -f -p 4321"


def test_a_tool_the_lexicon_knows_named_by_with_is_said(tmp_path: Path) -> None:
    """`… with logrotate`: a tool the lexicon knows as a concept (log rotation), which notes
    rotating logs otherwise (journalctl) do not name; notes that do are asked of it."""
    notes = _notes(tmp_path, "logs.md",
                   "# 日志\n\n日志太大，只保留 500M：`journalctl --vacuum-size=500M`\n")
    a = Assistant(notes, tmp_path / "index")
    assert a.ask("rotate logs").found
    assert not a.ask("rotate logs with logrotate").found
    (notes / "logrotate.md").write_text(
        "# logrotate\n\n试运行一次轮转：`logrotate -d /etc/logrotate.d/nginx`\n", "utf-8")
    r = a.ask("rotate logs with logrotate")
    assert r.found and r.answers[0].command == "logrotate -d /etc/logrotate.d/nginx"


def test_a_tool_is_not_the_word_its_name_is_the_stem_of(tmp_path: Path) -> None:
    """pip is the stem of pipe, nvm of nvme: the tools are asked of, not pipes and disks."""
    a, reader = _reader(tmp_path, "tools.md",
                        "# 工具\n\n用管道把输出交给 grep：`ps aux | grep nginx`\n\n"
                        "pip 换成国内源：`pip config set global.index-url https://mirrors.example/simple`\n")
    for word, other in (("pip", "管道"), ("nvm", "硬盘")):
        group = next(g for g in reader.analyze(f"how do I use {word}").groups if g.label == word)
        assert other not in group.terms, word
    assert reader.analyze("use a pipe").groups[-1].terms >= {"管道"}
    assert _first_command(a, "how do I set a mirror for pip").startswith("pip config set")


def test_a_question_to_look_at_things_is_not_answered_by_deleting_them(
        shipped: Assistant) -> None:
    """`docker rmi $(docker image ls -q)` lists all images to delete them: asked to list
    them, `docker images` answers; asked to delete them, the rmi line."""
    for question in ("list all images", "how to list all images", "查看所有镜像"):
        r = shipped.ask(question)
        assert r.found and r.answers[0].command == "docker images", question
    for question in ("delete all images", "删除所有镜像"):
        r = shipped.ask(question)
        assert r.found and r.answers[0].command.startswith("docker rmi $("), question


def test_a_question_to_act_on_things_is_answered_by_doing_it(shipped: Assistant) -> None:
    """`docker ps -a` lists stopped containers, `docker rm $(…)` removes them all: asked to
    stop or start containers, neither goes first, but the command that does it; asked which
    containers are stopped, listing them answers."""
    stop, start = "docker stop CONTAINER_NAME", "docker start CONTAINER_NAME"
    for question, command in (("stop all containers", stop), ("停止所有容器", stop),
                              ("how do I start a stopped container", start)):
        assert _first_command(shipped, question) == command, question
    assert _first_command(shipped, "查看所有容器") == "docker ps -a"


@pytest.mark.parametrize(("command", "deletes"), [
    ("docker rmi $(docker image ls -q)", True), ("echo done && rm -rf build", True),
    ("docker system prune -a", True), ("docker images", False),
    ("git branch -a", False),  # (the glossary: list, create or delete branches)
    ("mvn clean package -DskipTests", False),  # (a build's output cleaned)
    ("git clean -fd", True),  # (untracked work removed)
])
def test_what_deletes_is_what_a_command_does_first(command: str, deletes: bool) -> None:
    from qa.search import _destroys_command

    assert _destroys_command(command) is deletes


def test_a_service_named_by_its_port_is_said(tmp_path: Path) -> None:
    """`…:5432` is postgres: a question naming postgres is answered by the tunnel to it."""
    a, _ = _reader(tmp_path, "ssh.md",
                   "# ssh\n\n通过跳板机连内网的库：`ssh -N -L 15432:db.internal:5432 bastion`\n\n"
                   "传文件：`scp a.tar.gz web1:/tmp/`\n")
    r = a.ask("本机想连内网的 postgres，只能通过跳板机")
    assert r.found and r.answers[0].command == "ssh -N -L 15432:db.internal:5432 bastion"
    assert not a.ask("本机想连内网的 oracle，只能通过跳板机").found


def test_a_flag_with_a_typographic_dash_is_the_flag(shipped: Assistant) -> None:
    """`–d` (an en dash, as word processors and blogs make `-d`) is asked as `-d`."""
    r = shipped.ask("docker run –d 是什么")
    assert r.found and any("-d" in f.names for f in r.answers[0].flags)


def test_a_word_two_typos_from_a_known_one_is_another_word(tmp_path: Path) -> None:
    """compaction is two letters from compilation (a word the lexicon knows): a typo is one
    slip, so it is read as written; one slip in a long word is still put right."""
    _, analyzer = _reader(tmp_path, "k.md",
                          "# kafka\n\n建一个 topic：`kafka-topics.sh --create --topic logs`\n")
    assert analyzer.analyze("create a topic with log compaction").corrections == ()
    assert analyzer.analyze("compilaton of the topic").corrections == (
        ("compilaton", "compilation"),)


@pytest.mark.parametrize(("question", "command"), [
    ("statr the docker daemon", "sudo systemctl start docker"),  # start (swap), not stat
    ("everything the container prnted", "docker logs web"),  # prnt + ed is print + ed
    ("clena up everything", "docker image prune"),  # clean, then the phrase `clean up`
])
def test_an_english_typo_is_read_as_the_word_meant(tmp_path: Path, question: str,
                                                   command: str) -> None:
    r = _ask(tmp_path, "d.md",
             "启动 docker 服务：`sudo systemctl start docker`\n\n"
             "查看容器的统计数据：`docker stats`\n\n"
             "看容器打印的输出：`docker logs web`\n\n"
             "清理没用的镜像：`docker image prune`\n\n"
             "删除所有镜像：`docker rmi $(docker images -q)`\n\n"
             "把服务都拉起来：`docker compose up -d`\n",
             question)
    assert r.found and r.answers[0].command == command


def test_a_name_written_another_way_in_the_notes_still_counts(tmp_path: Path) -> None:
    """python2.7 asked, `python:2.7` written; `union FS` asked as one word of the lexicon, said
    in two: the notes do name them, so the question is answered."""
    notes = _notes(tmp_path, "df.md",
                   "# Dockerfile\n\n```\nFROM python:2.7\nRUN pip install flask\n"
                   "```\n\nunion FS 让镜像共用某一层，差异层单独存储。\n")
    a = Assistant(notes, tmp_path / "index")
    r = a.ask("基础镜像用python2.7怎么写")
    assert r.found and r.answers[0].command == "FROM python:2.7"
    r = a.ask("union FS 有什么用")
    assert r.found and "共用某一层" in r.answers[0].text
    assert not a.ask("基础镜像用ruby3怎么写").found


def test_what_is_questions_get_the_explanation_how_to_questions_the_command(
        tmp_path: Path) -> None:
    notes = _notes(tmp_path, "ns.md",
                   "# 网络\n\nnetns 可以让一台机器模拟多个网络设备，"
                   "把网络应用隔离。\n\n"
                   "```\nip netns add test1\nip netns list\n```\n")
    a = Assistant(notes, tmp_path / "index")
    assert a.ask("netns是拿来做什么的").answers[0].command is None
    assert a.ask("what is netns for").answers[0].command is None
    assert a.ask("怎么新建一个netns").answers[0].command == "ip netns add test1"


@pytest.mark.parametrize("question", ["为啥docker没法直接在windows上跑",
                                      "docker 到底为什么不能直接在 windows 上跑",
                                      "docker 为什么非常莫名其妙地没法在 windows 上跑"])
def test_colloquial_filler_words_do_not_make_a_question_unanswerable(
        shipped: Assistant, question: str) -> None:
    """没法, 到底, intensifiers (非常, 莫名其妙) and characters no word holds (上跑) say little:
    the notes still answer."""
    r = shipped.ask(question)
    assert r.found and "Windows平台" in r.answers[0].text


def test_a_misspelt_hyphenated_name_is_put_right(shipped: Assistant) -> None:
    """docekr-machine is no name of the notes; docker-machine is: the question is theirs."""
    r = shipped.ask("docekr-machine 的虚机怎么关掉")
    assert r.found and r.answers[0].command == "docker-machine stop demo1"
    analyzer = shipped.engine().analyzer
    assert analyzer.analyze("docekr-machine ls").corrections == (("docekr-machine",
                                                                   "docker-machine"),)
    assert analyzer.analyze("docker-compose up").corrections == ()  # not in the notes: as typed
    # a long name may carry two slips; a dropped last letter is one
    assert analyzer.analyze("docekr-machne ls").corrections == (("docekr-machne",
                                                                  "docker-machine"),)
    assert analyzer.analyze("docker-machin ls").corrections == (("docker-machin",
                                                                  "docker-machine"),)


@pytest.mark.parametrize("question", ["delete all containers, my laptop is cluttered",
                                      "wipe all containers on this laptop"])
def test_everyday_english_words_the_lexicon_lacks_do_not_refuse_a_question(
        shipped: Assistant, question: str) -> None:
    r = shipped.ask(question)
    assert r.found and r.answers[0].command == "docker rm $(docker container ls -aq)"


def test_nearest_topics_are_words_not_link_syntax(tmp_path: Path) -> None:
    """A refused question names the nearest topics: a link's words, never `[…](https://…)`."""
    r = _ask(tmp_path, "docker.md",
             "# 安装 docker\n\n[https://docs.docker.com/install/](https://docs.docker.com/install/)\n\n"
             "参考 [官方安装文档](https://docs.docker.com/install/) 装 docker。\n",
             "docker swarm 集群怎么初始化")
    assert not r.found and r.nearest
    assert not any("](" in t or t.startswith(("[", "http")) for t in r.nearest), r.nearest


@pytest.mark.parametrize("question", ["如何删除所有容器", "how do I list images", "端口映射"])
def test_answers_scores_fall_as_the_answers_go_down(shipped: Assistant, question: str) -> None:
    scores = [a.score for a in shipped.ask(question).answers]
    assert len(scores) > 1 and scores == sorted(scores, reverse=True) and 0 < scores[-1]


def test_a_verb_with_how_it_ends_means_the_verb(tmp_path: Path) -> None:
    """存成 and 存好 are 存 with how it ends: a question saying them is understood."""
    notes = _notes(tmp_path, "a.md",
                   "```\n"
                   "docker commit web backup-image # 把容器保存为新的镜像\n"
                   "docker rm web # 删除容器\n"
                   "docker logs web # 查看容器日志\n```\n")
    a = Assistant(notes, tmp_path / "index")
    r = a.ask("把改好的容器存成一个新镜像")
    assert r.found and r.answers[0].command == "docker commit web backup-image"
    groups = {g.label: g for g in a.engine().analyzer.analyze("把日志存好").groups}
    assert "保存" in groups["存好"].terms


def test_linux_in_a_question_is_where_not_what(shipped: Assistant) -> None:
    """Notes written for Linux rarely say so by each command: 'on Linux' does not make a
    question about the bridges of the machine unanswerable."""
    r = shipped.ask("查看linux上的网桥")
    assert r.found and r.answers[0].command == "brctl show"


@pytest.mark.parametrize("question", ["what does host network mode mean",
                                      "what is union fs used for in docker"])
def test_the_words_asking_what_or_why_are_not_what_the_answer_must_say(
        shipped: Assistant, question: str) -> None:
    """`mean`, `used for` say what kind of answer is wanted; the notes explaining host mode or
    union FS do not need to say 含义 or 作用 to answer."""
    r = shipped.ask(question)
    assert r.found and r.answers[0].command is None


def test_what_a_command_selects_in_quotes_is_what_it_does(shipped: Assistant) -> None:
    """`-f "status=exited"` says which containers are listed: it is no message the command
    carries (`commit -m "…"`), so a question about exited containers finds it."""
    r = shipped.ask("只列出已退出容器的ID")
    assert r.found and r.answers[0].command == 'docker container ls -f "status=exited" -q'


def test_a_file_named_in_a_path_is_a_name_the_notes_use(linux: Assistant) -> None:
    """The notes edit `/etc/ssh/sshd_config`: asked about sshd_config, they know it."""
    r = linux.ask("改完 sshd_config 怎么检查语法对不对")
    assert r.found and (r.answers[0].command or "").startswith("sshd -t")


def test_chinese_numerals_find_the_digits_of_the_notes(linux: Assistant) -> None:
    r = linux.ask("日志太多了，只留最近七天的")
    assert r.found and "--vacuum-time" in (r.answers[0].command or "")


@pytest.mark.parametrize(("question", "said"), [
    ("docker 是靠什么把容器之间隔离开的", "namespace"),
    ("用pycharm连docker调试python会不会很慢", "奇慢无比"),
])
def test_everyday_words_need_not_all_be_in_the_answer(shipped: Assistant, question: str,
                                                      said: str) -> None:
    """之间, 开, 会不会: words common in the language but rare in the notes weigh much in a
    question; the answer need not say them all to be one."""
    r = shipped.ask(question)
    assert r.found and said in r.answers[0].text


def test_a_chinese_word_typed_by_its_sound_is_put_right(tmp_path: Path) -> None:
    """Pinyin input offers every character of a sound: 守护近程 is typed for 守护进程, a word
    of the notes. A word common in the language (同事, 一对) is meant as written."""
    a, analyzer = _reader(tmp_path, "s.md",
                          "```\nsupervisorctl restart celery:*   # 重启一组守护进程\n"
                          "tar -czf a.tar.gz dir   # 打包目录，同时压缩\n```\n")
    r = a.ask("supervisor 重启一组守护近程")
    assert r.found and r.answers[0].command == "supervisorctl restart celery:*"
    assert ("近程", "进程") in analyzer.analyze("守护近程").corrections
    assert analyzer.analyze("把目录打包发给同事").corrections == ()


@pytest.mark.parametrize(("question", "corrections"), [
    ("看容齐日志", (("容齐", "容器"),)),  # the segmenter glued it to 看: 看容齐
    ("docker服务重气一下", (("重气", "重启"),)),  # 重启 and 重起 say one thing
    ("写了好几歌CMD", (("好几歌", "好几个"),)),  # 好几 and 歌: words apart, one typed
    ("pip 包装在哪个目录", ()),  # 在 is glue, as typed: not 装载
    ("给别的用户加目录权限", ()),  # 加 is a word alone: not 家目录
    ("java 开远程调试端口", ()),  # 开远 would take half of 远程: not 开源
])
def test_a_word_typed_by_its_sound_is_found_across_the_segmenters_words(
        tmp_path: Path, question: str, corrections: tuple[tuple[str, str], ...]) -> None:
    _, analyzer = _reader(tmp_path, "n.md",
                          "看容器日志：`docker logs web`\n\n"
                          "重启服务：`systemctl restart docker`\n\n"
                          "服务重起：`service docker restart`\n\n"
                          "写好几个 CMD 只有最后一个生效。\n\n"
                          "模块装载：`modprobe br_netfilter`\n\n家目录：`cd ~`\n\n"
                          "开源许可：`cat LICENSE`\n")
    assert analyzer.analyze(question).corrections == corrections


def test_a_sound_typo_glued_to_common_characters_is_put_right(tmp_path: Path) -> None:
    """正书 (for 证书) holds 正, a character common enough to be taken for glue: the word
    is still one of the notes' typed by its sound, not two characters that say nothing."""
    r = _ask(tmp_path, "expire.md",
             "证书的到期时间：\n\n```\nopenssl x509 -enddate -noout -in cert.pem\n```\n\n"
             "看看用户密码哪天过期：\n\n```\nchage -l deploy\n```\n", "看看正书哪天过期")
    assert r.found and r.answers[0].command == "openssl x509 -enddate -noout -in cert.pem"


def test_a_tool_named_only_in_a_message_is_not_the_answers_tool(shipped: Assistant) -> None:
    """`docker commit -m "centos with git"` mentions git in its message: it is no git
    command, and the Docker notes do not say how to undo a git commit."""
    assert not shipped.ask("git 怎么撤销上一次提交").found
    assert shipped.ask("docker 怎么把容器提交成镜像").found


def test_a_pasted_error_is_answered_by_the_fix_the_notes_give_after_it(tmp_path: Path) -> None:
    """Notes show an error, then how it was fixed: pasting the error asks for the fix."""
    notes = _notes(tmp_path, "node.md",
                   "# Node\n\n### 问题：老项目报 ERR_OSSL_EVP_UNSUPPORTED\n\n```\n"
                   "Error: error:0308010C:digital envelope routines::unsupported\n"
                   "    at new Hash (node:internal/crypto/hash:67:19)\n```\n\n"
                   "**原因：** Node 17 开始用 OpenSSL 3.0。\n\n"
                   "**解决：** 打开 legacy provider：\n\n"
                   "```bash\nexport NODE_OPTIONS=--openssl-legacy-provider\n```\n\n"
                   "### 问题：端口被占用\n\n```\nError: listen EADDRINUSE :::3000\n```\n")
    a = Assistant(notes, tmp_path / "index")
    r = a.ask("Error: error:0308010C:digital envelope routines::unsupported")
    assert r.found and r.answers[0].command == "export NODE_OPTIONS=--openssl-legacy-provider"
    assert "0308010C" in r.answers[1].text
    # an error with nothing after it in its part of the notes is answered with itself
    r = a.ask("Error: listen EADDRINUSE :::3000")
    assert r.found and "EADDRINUSE" in r.answers[0].text


def test_a_pasted_error_fixed_in_words_is_answered_by_them(tmp_path: Path) -> None:
    r = _ask(tmp_path, "jvm.md",
             "# JVM\n\n## OutOfMemoryError: Metaspace\n\n```\n"
             "java.lang.OutOfMemoryError: Metaspace\n```\n\n"
             "一般是动态生成类太多。临时加大元空间：`-XX:MaxMetaspaceSize=512m`。\n",
             "java.lang.OutOfMemoryError: Metaspace")
    assert r.found and "MaxMetaspaceSize" in r.answers[0].text


def test_a_sentence_quoting_an_error_is_answered_by_the_fix_that_follows(tmp_path: Path) -> None:
    """`打包时报 `FATAL ERROR: …`。` states the problem; the command after it (in the same
    paragraph or below) is what the question asks for. A sentence that goes on to quote the
    fix itself is the answer as it stands, and so is the statement to a why-question."""
    notes = _notes(tmp_path, "node.md",
                   "# Node\n\n## 问题：heap out of memory\n\n"
                   "打包大项目时报 `FATAL ERROR: Reached heap limit - JavaScript heap out of "
                   "memory`。默认堆大约 2G，调大就行：`node --max-old-space-size=4096 build.js`。"
                   "\n\n## nginx\n\n上传文件报 `413 Request Entity Too Large`：调大 "
                   "`client_max_body_size 50m;`。\n\n```bash\nsudo nginx -s reload\n```\n")
    a = Assistant(notes, tmp_path / "index")
    r = a.ask("打包的时候报 JavaScript heap out of memory")
    assert r.found and r.answers[0].command == "node --max-old-space-size=4096 build.js"
    assert "FATAL ERROR" in r.answers[1].text
    r = a.ask("为什么会报 JavaScript heap out of memory")
    assert r.found and "FATAL ERROR" in r.answers[0].text
    r = a.ask("上传文件报 413 Request Entity Too Large")
    assert r.found and "client_max_body_size" in r.answers[0].text


def test_the_action_undoing_the_asked_one_is_not_the_answer(tmp_path: Path) -> None:
    """Compressing and extracting share their words (tar, .tar.gz, 压缩包): the passage that
    says the opposite action (解压, extract) yields to the one that does what is asked."""
    notes = _notes(tmp_path, "tar.md",
                   "# tar\n\n> 打包和解包。\n\n"
                   "- 把文件或目录打包并用 gzip 压缩：\n\n"
                   "`tar -czvf {{目标.tar.gz}} {{文件或目录}}`\n\n"
                   "- 解开一个 .tar.gz 压缩包，文件放到当前目录：\n\n`tar -xzvf {{源.tar.gz}}`\n\n"
                   "- 解压到指定的目录下：\n\n`tar -xzvf {{源.tar.gz}} -C {{目标目录}}`\n\n"
                   "- 不解压，只列出包里有哪些文件：\n\n`tar -tzvf {{源.tar.gz}}`\n")
    a = Assistant(notes, tmp_path / "index")
    for question in ("怎么把一个文件夹压成tar.gz", "compress a folder into a tar.gz"):
        r = a.ask(question)
        assert r.found and r.answers[0].command.startswith("tar -czvf"), question
    for question in ("tar.gz 怎么解压", "extract a tar.gz"):
        r = a.ask(question)
        assert r.found and r.answers[0].command.startswith("tar -xzvf"), question


def test_what_the_question_asks_to_do_without_is_not_the_answer(shipped: Assistant) -> None:
    """`不让它停止`: `docker stop` does what is not wanted; a line saying it does not stop the
    container (不会停止) is no such passage."""
    r = shipped.ask("退出容器但不让它停止")
    assert r.found and r.answers[0].command != "docker stop CONTAINER_NAME"
    assert "不会停止" in r.answers[0].text


def test_function_characters_glued_to_a_word_are_not_a_word_of_the_question(
        shipped: Assistant) -> None:
    """The dictionary lacks 时漏 and 时却报: 时, 却 are function characters around 漏 and 报,
    not an unknown word the notes would have to say."""
    assert shipped.topics("提交时漏了一个文件") == ("提交", "文件")
    assert shipped.topics("删除容器时却报错") == ("删除", "容器", "报错")


def test_a_quantity_in_latin_letters_names_no_tool(tmp_path: Path) -> None:
    """`6G`, `100MB` amid Chinese are amounts, not tools the answer must name."""
    notes = _notes(tmp_path, "wsl.md", "# WSL\n\n```powershell\n"
                   "wsl --shutdown    # vmmem 占着好几个 G 内存不放时用\n```\n")
    r = Assistant(notes, tmp_path / "index").ask("任务管理器里 vmmem 吃掉了 6G 内存，怎么释放")
    assert r.found and r.answers[0].command == "wsl --shutdown"


def test_a_long_flag_s_name_says_what_the_command_does(tmp_path: Path) -> None:
    """`--reset-offsets --to-earliest` is English for what the line does, even when the
    notes say it in Chinese only."""
    r = _ask(tmp_path, "kafka.md",
             "# Kafka\n\n问：想让某个消费者组从头重新消费？\n答：\n```\n"
             "kafka-consumer-groups.sh --group g1 --reset-offsets --to-earliest --execute\n"
             "```\n\n问：消费者组积压了多少？\n答：\n```\n"
             "kafka-consumer-groups.sh --describe --group g1\n```\n",
             "reset kafka consumer offsets to earliest")
    assert r.found and "--reset-offsets" in r.answers[0].command


@pytest.mark.parametrize("question", ["netns是拿来做什么的", "netns有什么用"])
def test_what_a_thing_is_for_is_told_by_the_notes_words_not_a_bare_command(
        shipped: Assistant, question: str) -> None:
    """`ip netns` matches every word of the question, as a bare command does; asked what netns
    is for, the sentence that says it answers."""
    r = shipped.ask(question)
    assert r.found and r.answers[0].command is None and "网络虚拟化" in r.answers[0].text
