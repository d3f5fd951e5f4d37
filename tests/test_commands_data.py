"""Structural checks for the command glossary qa/data/commands.json.

The glossary maps a well-known command (program, subcommand words, at most one flag) to the
words people use when asking for it; qa adds them as weak background terms of passages whose
command line matches the key.
"""

import json
import re
from pathlib import Path

import pytest

COMMANDS_PATH = Path(__file__).parent.parent / "qa" / "data" / "commands.json"

MIN_KEYS = 450
MAX_EN_WORDS = 12
MAX_ZH_CHARS = 24

MAX_SUBCOMMANDS = 3  # qa looks at most this many words past the program

# program (as its lowercased basename: docker, apt-get, mkfs.ext4, 7z), then subcommand words
# as qa reads them off a command line, then at most one flag: a single letter or digit
# (-x; qa splits -xzvf into -x -z -v -f) or a long option (--amend).
PROGRAM = r"[a-z0-9][a-z0-9._+-]*"
WORD = r"[a-z][a-z0-9-]*"
FLAG = r"-[A-Za-z0-9]|--[a-z0-9][a-z0-9-]*"
KEY_RE = re.compile(rf"(?:{PROGRAM})(?: {WORD}){{0,{MAX_SUBCOMMANDS}}}(?: (?:{FLAG}))?")

EN_RE = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
ZH_RE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+(?: [\u4e00-\u9fffA-Za-z0-9]+)*")
EN_QUESTION_WORDS = {"how", "what", "why", "when", "where", "which", "who", "whom", "whose"}
ZH_QUESTION_WORDS = ("如何", "怎么", "怎样", "什么", "为什么", "哪", "吗", "呢", "啥", "多少", "谁",
                     "是否")

# Documented aliases: both spellings must be present and say the same thing.
ALIASES = [
    ("docker ps", "docker container ls"),
    ("docker ps", "docker container list"),
    ("docker ps -a", "docker container ls -a"),
    ("docker ps -q", "docker container ls -q"),
    ("docker rm", "docker container rm"),
    ("docker rm -f", "docker container rm -f"),
    ("docker run", "docker container run"),
    ("docker exec", "docker container exec"),
    ("docker logs", "docker container logs"),
    ("docker start", "docker container start"),
    ("docker stop", "docker container stop"),
    ("docker restart", "docker container restart"),
    ("docker cp", "docker container cp"),
    ("docker attach", "docker container attach"),
    ("docker commit", "docker container commit"),
    ("docker inspect", "docker container inspect"),
    ("docker rmi", "docker image rm"),
    ("docker rmi -f", "docker image rm -f"),
    ("docker images", "docker image ls"),
    ("docker images -q", "docker image ls -q"),
    ("docker images -a", "docker image ls -a"),
    ("docker build", "docker image build"),
    ("docker pull", "docker image pull"),
    ("docker push", "docker image push"),
    ("docker tag", "docker image tag"),
    ("docker save", "docker image save"),
    ("docker load", "docker image load"),
    ("docker history", "docker image history"),
    ("docker import", "docker image import"),
    ("docker info", "docker system info"),
    ("docker events", "docker system events"),
    ("docker network ls", "docker network list"),
    ("docker network rm", "docker network remove"),
    ("docker volume ls", "docker volume list"),
    ("docker volume rm", "docker volume remove"),
    ("docker context ls", "docker context list"),
    ("docker run -d", "docker run --detach"),
    ("docker run -p", "docker run --publish"),
    ("docker run -v", "docker run --volume"),
    ("docker run -e", "docker run --env"),
    ("docker run --network", "docker run --net"),
    ("docker compose up", "docker-compose up"),
    ("docker compose up -d", "docker-compose up -d"),
    ("docker compose down", "docker-compose down"),
    ("docker compose ps", "docker-compose ps"),
    ("docker compose logs", "docker-compose logs"),
    ("docker compose build", "docker-compose build"),
    ("docker compose exec", "docker-compose exec"),
    ("docker compose restart", "docker-compose restart"),
    ("docker compose pull", "docker-compose pull"),
    ("git diff --cached", "git diff --staged"),
    ("git push --force", "git push -f"),
    ("git remote remove", "git remote rm"),
    ("ip addr", "ip a"),
    ("ip route", "ip r"),
    ("ip link del", "ip link delete"),
    ("ip netns del", "ip netns delete"),
    ("apt install", "apt-get install"),
    ("pip install", "pip3 install"),
]

# Commands the glossary is asked to cover (combined flags such as -xzvf or -tlnp are covered
# through their single-letter keys).
REQUIRED = [
    "docker build", "docker ps", "docker ps -a", "docker ps -q", "docker ps -l", "docker ps -f",
    "docker run", "docker run -d", "docker run -i", "docker run -t", "docker run -p",
    "docker run -P", "docker run -v", "docker run --rm", "docker run --name", "docker run -e",
    "docker run --network", "docker run --restart", "docker run -m", "docker run --cpus",
    "docker run -w", "docker run -h", "docker rm -f", "docker rm -v", "docker rmi -f",
    "docker logs -f", "docker logs --tail", "docker exec -i", "docker exec -t",
    "docker images -q", "docker images -a", "docker system prune -a",
    "docker network create -d", "docker container", "docker image", "docker network",
    "docker volume", "docker system", "docker builder", "docker compose", "docker context",
    "docker login", "docker logout", "docker push", "docker pull", "docker tag", "docker save",
    "docker load", "docker export", "docker import", "docker commit", "docker cp",
    "docker exec", "docker attach", "docker logs", "docker inspect", "docker top",
    "docker stats", "docker port", "docker rename", "docker pause", "docker unpause",
    "docker update", "docker wait", "docker diff", "docker history", "docker search",
    "docker info", "docker version", "docker events",
    "docker-compose up", "docker-compose up -d", "docker-compose down", "docker-compose ps",
    "docker-compose logs", "docker-compose build", "docker-compose exec",
    "docker-compose restart", "docker-compose pull",
    "docker-machine create", "docker-machine ls", "docker-machine ssh", "docker-machine stop",
    "docker-machine start", "docker-machine rm", "docker-machine env", "docker-machine ip",
    "git init", "git clone", "git add", "git commit", "git commit --amend", "git status",
    "git diff", "git log", "git log --oneline", "git branch", "git branch -d", "git checkout",
    "git checkout -b", "git switch", "git restore", "git reset", "git reset --hard",
    "git revert", "git merge", "git rebase", "git rebase -i", "git stash", "git stash pop",
    "git cherry-pick", "git fetch", "git pull", "git push", "git push -u", "git push --force",
    "git remote add", "git tag", "git blame", "git clean", "git clean -f", "git clean -d",
    "git config",
    "ls", "ls -l", "cp", "mv", "rm", "rm -r", "mkdir", "rmdir", "ln", "ln -s", "find",
    "locate", "touch", "cat", "less", "head", "tail", "tail -f", "wc", "sort", "uniq", "cut",
    "tr", "sed", "awk", "grep", "grep -r", "xargs", "diff", "chmod", "chown", "chgrp", "stat",
    "file", "du", "df", "tree",
    "tar -c", "tar -x", "tar -t", "tar -z", "tar -j", "tar -C", "zip", "unzip", "gzip",
    "gunzip",
    "ps", "ps aux", "top", "htop", "kill", "kill -9", "killall", "pkill", "nohup", "jobs",
    "bg", "fg", "nice", "lsof",
    "uname", "free", "uptime", "date", "hostname", "hostnamectl", "dmesg", "journalctl",
    "journalctl -u", "journalctl -f", "systemctl start", "systemctl stop", "systemctl restart",
    "systemctl status", "systemctl enable", "systemctl disable", "systemctl reload",
    "systemctl daemon-reload", "service", "crontab -e", "crontab -l", "shutdown", "reboot",
    "who", "w", "last", "id", "su", "sudo", "passwd", "useradd", "usermod", "userdel",
    "groupadd",
    "ip addr", "ip addr add", "ip link", "ip link add", "ip link set", "ip route", "ip netns",
    "ip netns add", "ip netns exec", "ip netns del", "brctl show", "brctl addbr", "ping",
    "traceroute", "ss", "ss -t", "ss -l", "ss -p", "netstat", "netstat -t", "netstat -l",
    "netstat -p", "curl", "curl -O", "curl -X", "wget", "nc", "nslookup", "dig", "ifconfig",
    "iptables -L", "iptables -A", "firewall-cmd", "ufw",
    "ssh", "ssh -p", "ssh-keygen", "ssh-copy-id", "scp", "scp -r", "rsync -a",
    "apt install", "apt update", "apt upgrade", "apt remove", "apt-get install",
    "apt-get update", "apt-get upgrade", "apt-get remove", "yum install", "yum remove",
    "yum update", "dnf install", "rpm -q", "rpm -a", "dpkg -i", "pip install",
    "pip install -r", "pip freeze", "pip list", "python -m", "npm install", "npm run",
    "vagrant up", "vagrant ssh", "vagrant halt", "vagrant destroy", "vagrant status",
    "kubectl get", "kubectl describe", "kubectl apply", "kubectl apply -f", "kubectl delete",
    "kubectl logs", "kubectl exec",
    "nginx -s", "nginx -t", "mysql -u", "mysqldump",
]


def _reject_duplicates(pairs):
    seen = set()
    for key, _ in pairs:
        assert key not in seen, f"duplicate JSON key {key!r}"
        seen.add(key)
    return dict(pairs)


@pytest.fixture(scope="module")
def data():
    text = COMMANDS_PATH.read_text(encoding="utf-8")
    return json.loads(text, object_pairs_hook=_reject_duplicates)


@pytest.fixture(scope="module")
def commands(data):
    return data["commands"]


def test_file_loads_with_version_and_about(data):
    assert data["version"] == 1
    assert isinstance(data["about"], str) and data["about"].strip()
    assert set(data) == {"version", "about", "forms", "arguments", "packages", "ports",
                         "commands"}
    assert all(key in data["commands"] for key in data["arguments"])
    assert set(data["forms"]) == {"synopsis", "exec", "shell", "batch"}
    assert isinstance(data["commands"], dict)


def test_ports_are_port_numbers_with_words(data):
    """Each well-known port names what listens there, in words a question uses."""
    for port, said in data["ports"].items():
        assert port.isdigit() and 0 < int(port) < 65536, port
        assert set(said) == {"en", "zh"} and said["en"].strip(), port


def test_has_enough_keys(commands):
    assert len(commands) >= MIN_KEYS


def test_keys_are_sorted(commands):
    keys = list(commands)
    assert keys == sorted(keys)


def test_keys_are_well_formed(commands):
    bad = [key for key in commands if not KEY_RE.fullmatch(key)]
    assert not bad, f"malformed keys: {bad}"


def test_keys_are_lowercase_program_first(commands):
    for key in commands:
        words = key.split()
        assert not words[0].startswith("-"), key
        for word in words[:-1] if words[-1].startswith("-") else words:
            assert word == word.lower(), key


def test_at_most_one_flag_and_only_at_the_end(commands):
    for key in commands:
        flags = [i for i, word in enumerate(key.split()) if word.startswith("-")]
        assert len(flags) <= 1, key
        if flags:
            assert flags[0] == len(key.split()) - 1, key


def test_short_flags_are_single_letters(commands):
    """-xzvf style bundles are matched letter by letter, so keys use one letter each."""
    for key in commands:
        last = key.split()[-1]
        if last.startswith("-") and not last.startswith("--"):
            assert len(last) == 2, key


def test_no_duplicate_keys_after_whitespace_normalisation(commands):
    normalised = {}
    for key in commands:
        norm = " ".join(key.split())  # flags are case-sensitive: -d and -D differ
        assert key == " ".join(key.split()), f"stray whitespace in {key!r}"
        assert norm not in normalised, f"{key!r} duplicates {normalised[norm]!r}"
        normalised[norm] = key


def test_values_have_only_en_and_zh(commands):
    for key, value in commands.items():
        assert isinstance(value, dict), key
        assert set(value) == {"en", "zh"}, key
        assert isinstance(value["en"], str) and value["en"].strip(), key
        assert isinstance(value["zh"], str) and value["zh"].strip(), key


def test_en_is_short_plain_words(commands):
    for key, value in commands.items():
        en = value["en"]
        assert EN_RE.fullmatch(en), f"{key}: punctuation or stray spaces in {en!r}"
        assert len(en.split()) <= MAX_EN_WORDS, f"{key}: {en!r} too long"


def test_zh_is_short_and_has_chinese(commands):
    for key, value in commands.items():
        zh = value["zh"]
        assert ZH_RE.fullmatch(zh), f"{key}: punctuation or stray spaces in {zh!r}"
        assert len(zh) <= MAX_ZH_CHARS, f"{key}: {zh!r} too long"
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: no Chinese in {zh!r}"


def test_no_question_words(commands):
    for key, value in commands.items():
        words = set(value["en"].lower().split())
        assert not words & EN_QUESTION_WORDS, f"{key}: {value['en']!r}"
        for word in ZH_QUESTION_WORDS:
            assert word not in value["zh"], f"{key}: {value['zh']!r}"


def test_values_do_not_just_repeat_the_command(commands):
    for key, value in commands.items():
        en = value["en"].lower()
        assert en != key.lower(), key
        if len(key.split()) > 1:
            phrase = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(key.lower())}(?![A-Za-z0-9_-])")
            assert not phrase.search(en), f"{key}: command repeated in {value['en']!r}"
            assert not phrase.search(value["zh"].lower()), f"{key}: command repeated in zh"
        key_words = {w.lstrip("-").lower() for w in key.split()}
        assert set(en.split()) - key_words, f"{key}: {value['en']!r} adds nothing"


@pytest.mark.parametrize(("first", "second"), ALIASES)
def test_documented_aliases_agree(commands, first, second):
    assert first in commands, first
    assert second in commands, second
    assert commands[first] == commands[second], (first, second)


def test_docker_container_run_flags_mirror_docker_run(commands):
    for key, value in commands.items():
        if key.startswith("docker run -"):
            twin = "docker container run " + key.split()[-1]
            assert commands.get(twin) == value, twin


def test_dockerfile_instructions(commands):
    for instruction in ("from", "run", "cmd", "entrypoint", "copy", "add", "expose", "env",
                        "arg", "workdir", "volume", "user"):
        assert f"dockerfile {instruction}" in commands, instruction


def test_required_commands_are_covered(commands):
    missing = [key for key in REQUIRED if key not in commands]
    assert not missing, f"missing keys: {missing}"

