"""The command glossary: a bare command line in the notes is found by what the command does."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Assistant, glossary

BARE_NOTES = """# 杂记

docker build -t me/app .
docker ps -a
docker exe -it web bash
ip netns add blue
ip netns exec blue ip a
tar -xzvf site.tar.gz -C /srv
"""


def words_of(key: str) -> str:
    return glossary._data().words[key]


def test_a_command_is_described_with_its_flags_and_the_commands_inside_it() -> None:
    text = glossary.describe("docker rm -f $(docker ps -aq)")
    for key in ("docker rm", "docker rm -f", "docker ps", "docker ps -a", "docker ps -q"):
        assert words_of(key) in text


def test_the_most_specific_command_wins() -> None:
    text = glossary.describe("docker network create -d bridge my-bridge")
    assert words_of("docker network create") in text
    assert words_of("docker network") not in text


def test_a_command_run_by_another_is_described_too() -> None:
    text = glossary.describe("ip netns exec blue ip a")
    assert words_of("ip netns exec") in text and words_of("ip a") in text


def test_a_misspelt_subcommand_is_still_known() -> None:
    assert words_of("docker exec") in glossary.describe("sudo docker exe -it web bash")


def test_unknown_commands_and_prose_get_nothing() -> None:
    assert glossary.describe("frobnicate --hard") == ""
    assert glossary.describe("") == ""


def test_dockerfile_instructions_are_described_with_the_form_they_are_written_in() -> None:
    exec_form = glossary.describe('CMD ["python", "app.py"]', dockerfile=True)
    shell_form = glossary.describe("CMD python app.py", dockerfile=True)
    cmd = "Dockerfile " + words_of("dockerfile cmd")  # an instruction of a Dockerfile
    assert exec_form.startswith(cmd) and "数组格式" in exec_form
    assert shell_form.startswith(cmd) and "shell格式" in shell_form
    assert glossary.describe("FROM alpine", dockerfile=True) == "Dockerfile " + words_of(
        "dockerfile from")
    assert glossary.describe("NOTANINSTRUCTION x", dockerfile=True) == ""


@pytest.mark.parametrize(("line", "usage"), [
    ("docker run [OPTIONS] IMAGE [COMMAND] [ARG...]", True),
    ("git commit [<options>]", True), ("cp SOURCE... DIRECTORY", True),
    ("docker run -it ubuntu bash", False), ("grep '[A-Z]' names.txt", False),
    ("echo ${files[IDX]}", False)])
def test_usage_lines_are_described_as_a_command_s_syntax(line: str, usage: bool) -> None:
    assert ("语法" in glossary.describe(line)) is usage


@pytest.fixture
def bare(tmp_path: Path) -> Assistant:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "bare.md").write_text(BARE_NOTES, "utf-8")
    return Assistant(notes, tmp_path / "index")


@pytest.mark.parametrize(("question", "command"), [
    ("用Dockerfile构建镜像", "docker build -t me/app ."),
    ("how do I build an image", "docker build -t me/app ."),
    ("list all containers including stopped ones", "docker ps -a"),
    ("进入容器", "docker exe -it web bash"),
    ("create a network namespace", "ip netns add blue"),
    ("命名空间里查看ip地址", "ip netns exec blue ip a"),
    ("解压到指定目录", "tar -xzvf site.tar.gz -C /srv"),
])
def test_bare_command_lines_answer_what_they_do(bare: Assistant, question: str,
                                                command: str) -> None:
    r = bare.ask(question)
    assert r.found and r.answers[0].command == command


def test_an_index_made_with_another_glossary_is_rebuilt(bare: Assistant,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bare.ask("docker ps")
    first = bare.last_build
    assert first is not None
    monkeypatch.setattr(glossary, "digest", lambda: "another")
    fresh = Assistant(bare.corpus, bare.index_dir)
    fresh.ask("docker ps")
    assert fresh.last_build is not None and fresh.last_build is not first


def test_a_paragraph_headed_by_a_name_it_explains_is_found_by_what_the_name_is(
        tmp_path: Path) -> None:
    """`CMD` over lines explaining it: the glossary says CMD is a Dockerfile's default command,
    so a question about a Dockerfile's CMD finds the explanation, not only a CMD line."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "df.md").write_text(
        "# 笔记\n\n```\nFROM alpine\nCMD [\"python\", \"app.py\"]\n```\n\n"
        "CMD\n容器启动时默认执行的命令和参数\n如果定义了多个CMD，只有最后一个会执行\n", "utf-8")
    r = Assistant(notes, tmp_path / "index").ask(
        "what happens if a dockerfile has multiple CMD lines")
    assert r.found and "只有最后一个会执行" in r.answers[0].text


@pytest.mark.parametrize(("line", "batch"), [
    ("docker rm $(docker container ls -aq)", True), ("kill $(pgrep nginx)", True),
    ("find . -name '*.tmp' | xargs rm", True), ("docker rmi ID", False),
    ("echo $(date)", False), ("cd $(git rev-parse --show-toplevel)", False)])
def test_arguments_a_listing_gives_make_a_command_work_in_bulk(line: str, batch: bool) -> None:
    assert ("批量" in glossary.describe(line)) is batch


def test_an_argument_that_says_what_a_command_does_is_described_for_it() -> None:
    """`ip link set` moves, enables or disables by its argument; `chmod` by its mode."""
    assert "启用网卡" in glossary.describe("ip link set dev veth0 up")
    assert "命名空间" in glossary.describe("ip link set veth0 netns blue")
    assert "启用网卡" not in glossary.describe("ip link set veth0 netns blue")
    assert "同组和其他人的写权限" in glossary.describe("chmod go-w notes.txt")
    assert glossary.describe("ip link set eth0 mtu 9000") == words_of("ip link set")


def test_the_shape_of_a_flag_s_value_may_say_what_the_flag_does() -> None:
    """`-v /opt/app:/data` mounts a host directory, `-v /data` makes a new volume, `-v
    db:/var/lib/mysql` mounts a named one; a value of no known shape gets the flag's words."""
    bind = glossary.describe("docker run -it -v /opt/centos-02:/data centos")
    anonymous = glossary.describe("docker run -it --volume=/data centos")
    named = glossary.describe("docker run -d -v mysql:/var/lib/mysql mysql")
    assert "宿主机目录" in bind and "宿主机目录" not in anonymous + named
    assert "匿名" in anonymous and "命名数据卷" in named
    assert words_of("docker run -v") in glossary.describe("docker run -v 'a b' centos")


def test_a_crontab_line_is_described_by_when_it_runs() -> None:
    said = glossary.describe("0 2 * * * /usr/local/bin/backup.sh")
    assert all(w in said for w in ("定时任务", "每天", "凌晨", "两点"))
    assert "周一到周五" in glossary.describe("0 9 * * 1-5 report.sh")
    assert "每隔5分钟" in glossary.describe("*/5 * * * * curl -fsS localhost/health")
    assert "HTTP" in glossary.describe("*/5 * * * * curl -fsS localhost/health")  # what it runs
    assert "定时任务" not in glossary.describe("docker run -p 8080:80 nginx")
    # a schedule alone (a cheat sheet's `*/5 * * * *`) says when; five numbers say nothing
    assert "every 5 minutes" in glossary.describe("*/5 * * * *")
    assert glossary.describe("1 2 3 4 5") == ""


def test_installing_a_package_says_which_programs_it_brings() -> None:
    """`yum install bridge-utils` installs brctl: asked how to get brctl, that is the line."""
    assert "brctl" in glossary.describe("yum install bridge-utils").split()
    assert "iostat" in glossary.describe("sudo apt install -y sysstat").split()
    assert "brctl" not in glossary.describe("docker run bridge-utils").split()


def test_a_span_of_time_in_chinese_numerals_is_also_its_digits() -> None:
    """最近七天 may be `--vacuum-time=7d` in the notes; 两个分支 and 二分查找 are no times."""
    assert glossary.number_forms("七天") == ["7", "7d"]
    assert glossary.number_forms("三十秒") == ["30", "30s"]
    assert glossary.number_forms("十二点") == ["12"]
    assert glossary.number_forms("两个") == [] and glossary.number_forms("二分") == []
    assert glossary.number_forms("一次") == [] and glossary.number_forms("容器") == []


@pytest.mark.parametrize(("command", "said", "unsaid"), [
    ("ssh -N -L 15432:db.internal:5432 bastion", "postgres", "mysql"),  # host:port
    ("mysql -h 10.0.0.5 -P 3306 -u root -p", "mysql", "postgres"),  # -P port
    ("echo | openssl s_client -connect example.com:443", "https", "ssh"),
    ("redis-cli --port=6379", "redis", "mysql"),
    ("nc -zv 10.0.0.5 3306", "mysql", "redis"),  # the port a netcat takes after the host
    ("telnet db.internal 5432", "postgres", "mysql"),
    ("ls -l /var/lib/5432", "", "postgres"),  # a number that no port is
])
def test_a_well_known_port_says_what_it_reaches(command: str, said: str, unsaid: str) -> None:
    words = glossary.describe(command)
    assert said in words and unsaid not in words


def test_the_glossary_digest_follows_its_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `describe` makes of the same data may change: the digest (and so the index) with it."""
    before = glossary.digest()
    glossary.digest.cache_clear()
    monkeypatch.setattr(glossary, "RULES", glossary.RULES + 1)
    try:
        assert glossary.digest() != before
    finally:
        glossary.digest.cache_clear()


def test_signing_in_is_not_a_matter_of_logs(shipped: Assistant) -> None:
    """The glossary says `docker login` signs in, not "log in": asked for logs, it is no
    answer (the stem of logs is log)."""
    r = shipped.ask("how do I see logs")
    assert r.found and r.answers[0].command == "docker logs 容器ID"
    assert all(a.command != "docker login" for a in r.answers)
    assert shipped.ask("log in to docker hub").answers[0].command == "docker login"
