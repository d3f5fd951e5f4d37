"""Follow-ups in a chat: the shape of a line (`read_followup`) and the context rules
(`Conversation`), on a small fake library and on the shipped notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.assistant import Assistant
from qa.conversation import Conversation, FollowUp, read_followup
from qa.model import Answer, Passage, Result, Source

# --- the shape of a line -------------------------------------------------------------------


@pytest.mark.parametrize("line, topic", [
    ("那镜像呢？", "镜像"), ("那么镜像呢", "镜像"), ("镜像呢?", "镜像"), ("还有网络呢", "网络"),
    ("那 -d 呢？", "-d"), ("and images?", "images"), ("And images", "images"),
    ("what about volumes", "volumes"), ("How about the logs?", "the logs"),
    ("and what about networks?", "networks"), ("ＡＮＤ images？", "images"),
    ("那volume呢", "volume"), ("那么 docker-compose 呢？", "docker-compose"),
])
def test_a_new_topic_is_read_by_its_shape(line: str, topic: str) -> None:
    assert read_followup(line) == FollowUp("topic", topic=topic)


@pytest.mark.parametrize("line", ["more", "Next", "next one", "下一个", "还有呢？", "换一个",
                                  "another one", "更多"])
def test_next_answer(line: str) -> None:
    assert read_followup(line) == FollowUp("next")


@pytest.mark.parametrize("line, n", [
    ("第二个", 2), ("第2个", 2), ("第三条", 3), ("那第十二个呢", 12), ("第二十个", 20),
    ("the second one", 2), ("second", 2), ("3rd", 3), ("#4", 4), ("the first answer", 1)])
def test_an_ordinal_picks_that_answer(line: str, n: int) -> None:
    assert read_followup(line) == FollowUp("nth", n=n)


@pytest.mark.parametrize("line", [
    "如何删除所有容器", "how do I list images?", "images?", "那个容器怎么删除",
    "android images", "docker ps -a", "", "   ",
    "and how do I copy a file out of a running container into the host machine?",
    "那么如何把容器里的文件复制到宿主机上并且保留文件权限和时间戳呢"])
def test_questions_are_not_follow_ups(line: str) -> None:
    assert read_followup(line) is None


@given(st.text(max_size=60))
def test_reading_a_line_never_fails(line: str) -> None:
    follow = read_followup(line)
    assert follow is None or follow.kind in ("next", "nth", "topic")
    if follow and follow.kind == "nth":
        assert follow.n >= 1


# --- the rules, on a fake library ----------------------------------------------------------

NOTES = [  # command, the words the passage speaks of (on a tie, the first passage wins)
    ("docker run -it IMAGE", "镜像 启动 容器 images start containers"),
    ("docker rm $(docker ps -aq)", "删除 所有 容器 delete all containers"),
    ("docker rmi $(docker images -q)", "删除 所有 镜像 delete all images"),
    ("docker rm ID", "删除 容器 delete containers"),
    ("docker ps", "查看 容器 list containers"),
    ("docker images", "查看 镜像 list images"),
    ("docker logs ID", "查看 日志 list logs"),
    ("docker run -p 80:80 nginx", "-p 端口 映射 参数 ports"),
    ("docker run -d nginx", "-d 后台 参数 background"),
]
VOCABULARY = sorted({w for _, words in NOTES for w in words.split()}, key=len, reverse=True)


class FakeNotes:
    """A tiny library with the `Asker` interface: a question's words are the vocabulary words
    it contains; a passage answers by the share of them it speaks of (at least half)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def topics(self, question: str) -> tuple[str, ...]:
        found: list[tuple[int, str]] = []
        taken: set[int] = set()
        for w in VOCABULARY:
            pattern = re.escape(w) if not w.isascii() else rf"(?<![\w-]){re.escape(w)}(?![\w-])"
            for m in re.finditer(pattern, question):
                if not taken.intersection(range(m.start(), m.end())):
                    taken.update(range(m.start(), m.end()))
                    found.append((m.start(), w))
        return tuple(w for _, w in sorted(found))

    def matched(self, question: str, passage: Passage) -> tuple[str, ...]:
        return tuple(w for w in self.topics(question) if w in passage.description.split())

    def ask(self, question: str, top: int = 5) -> Result:
        self.asked.append(question)
        words = self.topics(question)
        scored = []
        for i, (command, description) in enumerate(NOTES):
            p = Passage("command", command, command, description, "", Source("n.md", i + 1, i + 1))
            hit = len(self.matched(question, p))
            if hit:
                scored.append((hit / len(words), -i, p))
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        answers = tuple(Answer(s, p) for s, _, p in scored[:top])
        found = bool(answers) and scored[0][0] >= 0.5
        return Result(question, found, "zh", answers if found else ())


def commands(conv: Conversation, *lines: str) -> list[str | None]:
    out = []
    for line in lines:
        answer = conv.say(line).answer
        out.append(answer.command if answer else None)
    return out


def test_a_new_topic_replaces_the_object_of_the_last_question() -> None:
    conv = Conversation(FakeNotes())
    assert commands(conv, "如何删除所有容器", "那镜像呢？") == [
        "docker rm $(docker ps -aq)", "docker rmi $(docker images -q)"]
    assert conv.context and conv.context.question == "如何删除所有镜像"


def test_the_swap_is_told_with_the_question_it_asked() -> None:
    conv = Conversation(FakeNotes())
    conv.say("how do I list containers")
    turn = conv.say("and images?")
    assert (turn.via, turn.question, turn.swapped) == (
        "swap", "how do I list images", ("containers", "images"))


def test_on_a_tie_the_later_word_is_replaced() -> None:
    # `images containers` is answered as fully (docker run -it IMAGE) as `list images`:
    # the object of a question comes last
    conv = Conversation(FakeNotes())
    assert commands(conv, "list containers", "and images?")[1] == "docker images"


def test_follow_ups_chain() -> None:
    conv = Conversation(FakeNotes())
    assert commands(conv, "查看容器", "那镜像呢", "那日志呢？") == [
        "docker ps", "docker images", "docker logs ID"]
    assert conv.context and conv.context.question == "查看日志"


def test_a_flag_replaces_a_flag() -> None:
    conv = Conversation(FakeNotes())
    conv.say("-p 参数")
    turn = conv.say("那 -d 呢？")
    assert turn.swapped == ("-p", "-d") and turn.answer
    assert turn.answer.command == "docker run -d nginx"


def test_a_follow_up_that_makes_no_sense_in_context_is_a_fresh_question() -> None:
    # nothing deletes logs: no swap speaks of the new topic and of the context
    conv = Conversation(FakeNotes())
    conv.say("删除所有容器")
    turn = conv.say("那日志呢？")
    assert (turn.via, turn.question) == ("fresh", "那日志呢？")
    assert turn.answer and turn.answer.command == "docker logs ID"


def test_a_follow_up_with_no_context_is_a_fresh_question() -> None:
    turn = Conversation(FakeNotes()).say("那镜像呢？")
    assert turn.via == "fresh" and turn.answer
    assert turn.answer.command == "docker run -it IMAGE"


def test_a_whole_question_after_a_follow_up_marker_is_a_fresh_question() -> None:
    # as many words as the last question: it is a question of its own
    conv = Conversation(FakeNotes())
    conv.say("查看容器")
    turn = conv.say("那删除镜像呢")
    assert turn.via == "fresh" and turn.answer
    assert (turn.answer.command or "").startswith("docker rmi")


def test_more_and_ordinals_walk_the_last_result() -> None:
    conv = Conversation(FakeNotes())
    first = conv.say("删除容器")
    n = len(first.result.answers) if first.result else 0
    assert n >= 3
    second = conv.say("more")
    assert (second.via, second.index, second.question) == ("next", 1, "删除容器")
    assert conv.say("第三个").index == 2
    assert conv.say("下一个").index == 3
    assert conv.say("第一个").answer == first.answer
    last = conv.say(f"第{n + 1}个")
    assert last.answer is None and last.index == n  # shown as "no more answers"
    assert conv.more().index == 1  # the cursor stayed on the last answer shown


def test_more_before_any_question_has_nothing_to_continue() -> None:
    turn = Conversation(FakeNotes()).say("more")
    assert turn.result is None and turn.answer is None


def test_an_empty_new_topic_means_the_next_answer() -> None:
    conv = Conversation(FakeNotes())
    conv.say("删除容器")
    assert conv.say("还有？").index == 1


def test_a_not_found_question_is_still_the_context() -> None:
    notes = FakeNotes()
    conv = Conversation(notes)
    turn = conv.say("天气怎么样")
    assert turn.result and not turn.result.found and turn.answer is None
    assert conv.context and conv.context.question == "天气怎么样"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list("那呢？?第二个 镜像容器删除查看日志")
                                         + ["and ", "more", "images", "-d", "list "]),
                         max_size=8).map("".join), max_size=5))
def test_a_conversation_never_fails(lines: list[str]) -> None:
    conv = Conversation(FakeNotes())
    for line in lines:
        turn = conv.say(line)
        if turn.result is not None and turn.answer is not None:
            assert turn.answer in turn.result.answers


# --- on the shipped notes ------------------------------------------------------------------


@pytest.fixture(scope="session")
def assistant(shipped: Assistant) -> Assistant:
    """The shipped notes (conftest's `shipped`: its index is built once a session)."""
    return shipped


def test_that_the_images_follow_the_containers_in_chinese(assistant: Assistant) -> None:
    conv = Conversation(assistant)
    assert commands(conv, "如何删除所有容器", "那镜像呢？") == [
        "docker rm $(docker container ls -aq)", "docker rmi $(docker image ls -q)"]


@pytest.mark.parametrize("first, expected", [
    ("how do I list containers", "docker images"),
    ("how do I delete all containers", "docker rmi $(docker image ls -q)"),
    ("如何删除所有容器", "docker rmi $(docker image ls -q)")])
def test_and_images(assistant: Assistant, first: str, expected: str) -> None:
    conv = Conversation(assistant)
    conv.say(first)
    turn = conv.say("and images?")
    assert turn.via == "swap" and turn.answer and turn.answer.command == expected


def test_more_shows_the_next_answer(assistant: Assistant) -> None:
    conv = Conversation(assistant)
    first = conv.say("如何删除所有容器")
    assert first.result and len(first.result.answers) >= 2
    assert conv.say("第二个").answer == first.result.answers[1]
    assert conv.say("more").answer == first.result.answers[2]


def test_a_new_topic_the_context_cannot_take_is_asked_alone(assistant: Assistant) -> None:
    conv = Conversation(assistant)
    conv.say("如何删除所有容器")
    turn = conv.say("那日志呢？")
    assert turn.via == "fresh" and turn.answer and "logs" in (turn.answer.command or "")


def test_assistant_topics_and_matched(assistant: Assistant) -> None:
    assert assistant.topics("如何删除所有容器") == ("删除", "所有", "容器")
    r = assistant.ask("如何删除所有镜像")
    assert set(assistant.matched("如何删除所有镜像", r.answers[0].passage)) == {
        "删除", "所有", "镜像"}
    assert Path(r.answers[0].source.path).suffix == ".md"
