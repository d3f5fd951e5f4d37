"""Markdown notes -> the passages a user gets as answers (tests/fixtures: one file a shape)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DOCKER_NOTES, FIXTURES, fixture_passages, parse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qa import Passage
from qa.notes import parse_text

# What a user must get from each fixture: (kind, first line, last line, command, description,
# section). The first line is the description's when a description introduces the command.
GOLDEN: dict[str, list[tuple[str, int, int, str | None, str, str]]] = {
    "trailing-comment.md": [
        ("command", 3, 3, "docker ps -l", "查看最后一个容器的信息", "容器常用命令"),
        ("command", 4, 4, "docker rmi ID", "删除镜像", "容器常用命令"),
        ("command", 5, 5, "docker pull alpine", "获取镜像", "容器常用命令"),
        # right under its heading, with no words of its own: the heading says what it is
        ("command", 6, 6, "docker ps -a", "容器常用命令", "容器常用命令"),
        # a `#` inside quotes is part of the URL, not a comment
        ("command", 7, 7, 'curl -s "http://example.com/#top"', "抓取页面", "容器常用命令"),
        # a sentence after the command with no `#` is its description; a placeholder is not
        ("command", 8, 8, "df -h", "查看磁盘使用情况", "容器常用命令"),
        ("command", 9, 9, "docker exec -it 容器名称 bash", "容器常用命令", "容器常用命令"),
    ],
    "description-colon.md": [
        ("command", 3, 5, "docker run -it -v /opt/data:/data centos",
         "将容器挂载到宿主的指定目录上", "数据卷"),
        ("command", 7, 10, "docker cp mycontainer:/opt/test/file.txt .", "从容器拷贝文件到宿主机",
         "数据卷"),
        # a short introducing phrase over a few commands says what each does
        ("command", 13, 13, "docker network ls", "网络相关命令如下", "数据卷"),
        ("command", 14, 14, "docker network inspect my-bridge", "网络相关命令如下", "数据卷"),
    ],
    "fenced-blocks.md": [
        ("command", 5, 5, "sudo systemctl start docker", "启动服务", "代码块"),
        ("command", 6, 6, "sudo systemctl enable docker", "启动服务", "代码块"),
        ("command", 10, 10, "docker images", "", "代码块"),
        ("code", 13, 16, None, "一个打印当前目录的 Python 脚本", "代码块"),
        ("command", 20, 20, "docker volume ls", "", "代码块"),
    ],
    "indented-code.md": [
        ("prose", 3, 3, None, "", "缩进代码块"),
        # no words of their own: the heading over their block (two commands) says what they do
        ("command", 5, 5, "df -h", "缩进代码块", "缩进代码块"),
        ("command", 6, 6, "du -sh /var/log", "缩进代码块", "缩进代码块"),
        ("prose", 8, 8, None, "", "缩进代码块"),
        # an indented SQL statement over several lines: one command, its intro says what it does
        ("command", 10, 13, "select relname from pg_statio_user_tables "
         "order by pg_total_relation_size(relid) desc limit 10;", "最大的 10 张表", "缩进代码块"),
    ],
    "unclosed-fence.md": [
        ("prose", 3, 3, None, "", "没有闭合的代码块"),
        ("command", 8, 8, "docker image prune -a", "清理无用的镜像和容器", "没有闭合的代码块"),
        ("command", 9, 9, "docker container prune", "清理无用的镜像和容器", "没有闭合的代码块"),
    ],
    "front-matter.md": [
        ("command", 8, 9, "docker run -d -p 8080:80 nginx", "用 docker 跑一个 nginx", "nginx 笔记"),
    ],
    "tldr-page.md": [
        ("prose", 3, 4, None, "", "docker"),
        ("command", 6, 8, "docker ps -a", "列出所有容器（包括已停止的）", "docker"),
        ("command", 10, 12, "docker run -d --name {{容器名}} {{镜像}}",
         "用指定名字启动一个后台容器", "docker"),
        ("command", 14, 16, "docker rm {{容器}}", "移除容器", "docker"),
    ],
    "headings.md": [
        ("command", 7, 7, "docker ps", "查看运行中的容器", "运维笔记 > 容器 > 查看"),
        ("command", 11, 11, "docker logs -f web", "持续输出日志", "运维笔记 > 容器 > 查看 > 日志"),
        ("command", 15, 15, "docker images", "列出镜像", "运维笔记 > 镜像"),
    ],
    # a session at a prompt: the prompt is no part of the command, the output no command
    "session-prompts.md": [
        ("command", 3, 6, "sudo nginx -t", "检查 nginx 配置", "会话记录"),
        ("command", 13, 13, "SHOW FULL PROCESSLIST;", "MySQL", "会话记录 > MySQL"),
        ("command", 18, 18, "KILL 12;", "MySQL", "会话记录 > MySQL"),
        ("command", 24, 24, "TTL session:1", "Redis", "会话记录 > Redis"),
    ],
    # a SQL block: one command a statement, however many lines it takes
    "sql-block.md": [
        ("command", 7, 7, "CREATE USER 'ro'@'%' IDENTIFIED BY 'pw';", "新建一个只读用户",
         "SQL > 建用户"),
        ("command", 8, 8, "GRANT SELECT ON app.* TO 'ro'@'%';", "建用户", "SQL > 建用户"),
        ("command", 14, 15, "SELECT table_schema, SUM(data_length) AS size "
         "FROM information_schema.tables GROUP BY table_schema;", "查大小", "SQL > 查大小"),
        ("command", 16, 16, "SHOW CREATE TABLE orders\\G", "查大小", "SQL > 查大小"),
    ],
    # a line continued with `\` is one command, from its first line to its last
    "continued-line.md": [
        ("command", 4, 5, "openssl req -x509 -nodes -days 365 -keyout server.key -out server.crt",
         "自签名证书", "自签名证书"),
        ("command", 6, 6, "openssl x509 -in server.crt -noout -enddate", "自签名证书",
         "自签名证书"),
    ],
    # commands in a tutorial's prose: a program the notes run is known when named again
    # (`restic snapshots`); a command alone under a heading; words, then `→` or `：` pointing
    # at the command, describe it; a list item over an indented command introduces it; a
    # journal's date heading says less than the line above the command
    "tutorial-prose.md": [
        ("command", 5, 5, "restic init --repo /srv/repo",
         "先用 restic init --repo /srv/repo 初始化仓库。", "restic 备份 > 准备"),
        ("command", 5, 5, "restic snapshots", "备份完用 restic snapshots 列出所有快照。",
         "restic 备份 > 准备"),
        ("command", 9, 9, "ansible-vault encrypt group_vars/db/vault.yml", "加密变量",
         "restic 备份 > 加密变量"),
        ("command", 13, 13, "sudo wg show", "查看握手时间和流量", "restic 备份 > 排查"),
        ("command", 15, 15, "wsl --set-default-version 2", "以后新装的默认用 2",
         "restic 备份 > 排查"),
        ("command", 17, 18, "sudo wg-quick up wg0", "启动接口", "restic 备份 > 排查"),
        ("command", 23, 23, "sudo apt install fail2ban", "新加一台机器，装 fail2ban。",
         "restic 备份 > 2024-03-05"),
    ],
    # an HTML table is read as a Markdown table: code in the first cell is a command, a
    # row's cells may stand on lines of their own, entities are the characters they stand for
    "html-table.md": [
        ("command", 5, 5, ".tables", "列出所有表", "SQLite"),
        ("command", 6, 6, ".import --csv data.csv users", "把 CSV 导入 users 表", "SQLite"),
        ("command", 10, 10, "sqlite3 app.db .dump > backup.sql", "导出整个库", "SQLite"),
        ("prose", 11, 11, None, "点命令只在 sqlite3 里用", "SQLite"),
        # a statement (`PRAGMA …`, `FLUSHDB`) after what it does is a command, as in a list
        ("command", 14, 14, "PRAGMA foreign_keys = ON;", "打开外键约束", "SQLite"),
    ],
    # a table whose command stands in a later column, written as code: what the row's other
    # cells say is its description; a pipe written `\|` is the command's; a path is no command
    "command-column-table.md": [
        ("command", 5, 5, "sudo lsof -i :8080", "谁在占用某个端口", "lsof"),
        ("command", 6, 6, "awk '{print $1}' access.log | sort | uniq -c", "访问最多的 IP", "lsof"),
        ("prose", 7, 7, None, "/etc/lsof.conf", "lsof"),
        ("command", 11, 11, "pip list --outdated", "列出可升级的包", "lsof"),
        # an alias the file defines is a program it runs
        ("command", 15, 15, "alias esc='curl -sk -u elastic:$ES_PASS'", "", "lsof"),
        ("command", 20, 20, 'esc "$ES/_cat/indices?v&s=store.size:desc"', "按大小排序列出索引",
         "lsof"),
    ],
    # a database's JavaScript shell: each call (over the lines its brackets span) is a
    # command, `//` says what it does; so is a call in a list item or a table cell, and a
    # script run from its folder (`./gradlew …`); other JavaScript is code
    "db-shell.md": [
        ("command", 4, 4, "show dbs", "MongoDB", "MongoDB"),
        ("command", 5, 5, 'db.orders.countDocuments({status: "paid"})', "按条件计数", "MongoDB"),
        ("command", 7, 10,
         'db.orders.updateMany( {status: "pending"}, {$set: {status: "expired"}} )',
         "批量改状态", "MongoDB"),
        ("command", 13, 13, "db.users.createIndex({email: 1}, {unique: true})", "唯一索引",
         "MongoDB"),
        ("command", 14, 14, "./gradlew build -x test", "跳过测试", "MongoDB"),
        ("command", 18, 18, "db.killOp(12345)", "杀掉慢操作", "MongoDB"),
        ("code", 21, 23, None, "", "MongoDB"),
    ],
    # static-site markup: Hexo and Hugo code tags are fences, their other tags say nothing;
    # MkDocs admonitions and tabs hold the lines indented under them, `:::` containers the
    # lines up to `:::`; a console's `# ` is root's prompt
    "static-site.md": [
        ("command", 3, 6, "docker compose up -d", "启动（后台运行）", "部署"),
        ("command", 10, 10, "helm repo update", "", "部署"),
        ("command", 14, 17, 'export RUSTUP_DIST_SERVER="https://rsproxy.cn"',
         "下载慢的话先设置镜像",
         "部署"),
        ("command", 23, 23, "winget install astral-sh.uv", "", "部署"),
        ("command", 27, 27, "cp frpc.toml frpc.toml.bak", "改之前先备份", "部署"),
        ("prose", 31, 31, None, "", "部署"),
        ("command", 35, 35, "useradd -m -s /bin/bash deploy", "", "部署"),
        ("command", 36, 36, "id deploy", "", "部署"),
    ],
    # headings in other clothes: a line underlined with `===`, a paragraph of one bold line
    # (a FAQ's `**Q: …？**` too), under the last heading; `***` sets parts apart; `**A:**`
    # and a bold line ending in a colon introduce what follows
    "pseudo-headings.md": [
        ("command", 6, 6, "journalctl -u caddy -n 100", "查看日志", "Caddy 笔记 > 查看日志"),
        ("command", 11, 11, "sudo systemctl reload caddy", "重新加载", "Caddy 笔记 > 重新加载"),
        ("command", 13, 15, "caddy fmt --overwrite Caddyfile", "示例", "Caddy 笔记 > 重新加载"),
        ("command", 19, 19, "fail2ban-client set sshd unbanip 1.2.3.4", "用 unbanip",
         "Caddy 笔记 > 误封了 IP 怎么解封？"),
        ("command", 26, 26, "wsl --shutdown", "WSL 怎么彻底关掉？",
         "Caddy 笔记 > WSL 怎么彻底关掉？"),
    ],
    # a FAQ whose bold questions end in a full stop and whose answers start `A:` unbolded: the
    # question is the heading its commands answer; `Don't …` in an earlier sentence warns
    # against nothing the next sentence runs
    "faq-answers.md": [
        ("command", 6, 6, "git branch feat/oops",
         "I committed to main instead of my feature branch.",
         "Git: undoing mistakes > I committed to main instead of my feature branch."),
        ("command", 7, 7, "git reset --hard HEAD~1",
         "I committed to main instead of my feature branch.",
         "Git: undoing mistakes > I committed to main instead of my feature branch."),
        ("command", 10, 10, "git revert 4c5d6e7",
         "Don't rewrite shared history. Make a new commit that reverses it",
         "Git: undoing mistakes > Undo a commit that is already pushed?"),
    ],
    # a question then its answer (`**Q:** …` / `**A:**`, `问：…` / `答：…`): the question heads
    # the answer and is no passage of its own (a question is no answer); the labels go
    "qa-pairs.md": [
        ("command", 6, 6, "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic "
         "orders", "怎么建 topic？", "Kafka 问答 > 怎么建 topic？"),
        ("command", 10, 10, "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --list",
         "集群里有哪些消费者组？", "Kafka 问答 > 集群里有哪些消费者组？"),
        ("command", 13, 15, "kafka-consumer-groups.sh --group g1 --reset-offsets --to-earliest "
         "--execute", "先停掉消费者，然后", "Kafka 问答 > 想从头重新消费？"),
    ],
    # a man page's shapes: a definition list (`term` then `: what it does`) is one passage,
    # the term's code its command; an option over its indented description is a flag entry
    "man-page.md": [
        ("prose", 4, 4, None, "", "NAME"),
        ("command", 9, 9, "ip route get 8.8.8.8", "去往某个地址走哪块网卡", "NAME > IP"),
        ("prose", 12, 12, None, "", "NAME > IP"),
        ("flag", 14, 14, None, "在哪块网卡上抓", "NAME > IP"),
        ("flag", 16, 16, None, "不解析主机名和端口名", "NAME > IP"),
    ],
    # a notebook exported to Markdown: `In [1]:` says nothing, `Out[1]:` and what follows it
    # are output, and so are indented lines right after a cell; a cell of `!` lines, or under
    # `%%bash`, is a shell block
    "notebook-export.md": [
        ("command", 6, 6, "conda env list", "conda 笔记", "conda 笔记"),
        ("command", 18, 18, "pip config set global.index-url "
         "https://pypi.tuna.tsinghua.edu.cn/simple", "conda 笔记", "conda 笔记"),
        ("code", 26, 27, None, "conda 笔记", "conda 笔记"),
    ],
    # a psql session in indented code: `appdb=>`/`appdb=#` are prompts, SQL's `-- …` is a
    # comment that says what the line does; a shell's `--` (end of options) stays
    "psql-session.md": [
        ("command", 5, 5, "psql -h 127.0.0.1 -U app -d appdb", "连上以后", "psql > 连上以后"),
        ("command", 6, 6, "\\dt", "当前 schema 下的表", "psql > 连上以后"),
        ("command", 7, 7, "SELECT pg_cancel_backend(12345);", "只取消当前这条查询",
         "psql > 连上以后"),
        ("command", 10, 10, "git checkout -- app.py", "", "psql > 连上以后"),
    ],
    # Redis as typed at redis-cli (capitals) is a command, a sentence about one is not; a
    # table cell's `<br>` is a line break, no part of what the row says
    "redis-cli.md": [
        ("command", 5, 5, "redis-cli --bigkeys", "找大 key 每种类型只报最大的 建议在从库上跑",
         "Redis"),
        ("command", 10, 10, "CONFIG SET maxmemory-policy allkeys-lru", "纯缓存场景改成 LRU",
         "Redis"),
        ("command", 11, 11, "CONFIG REWRITE", "纯缓存场景改成 LRU", "Redis"),
        ("prose", 14, 14, None, "", "Redis"),
    ],
    # an org-mode block pasted into Markdown (`#+BEGIN_SRC sh` … `#+END_SRC`) is a fence
    "org-src.md": [
        ("command", 6, 6, "lsblk -f", "磁盘、分区、文件系统", "磁盘 > 先看现状"),
        ("command", 7, 7, "pvs; vgs; lvs", "LVM 三层概览", "磁盘 > 先看现状"),
    ],
    # a fence whose title names a file that is no script shows the file: its lines are data or
    # settings, not commands (`file 'part1.mp4'` of list.txt); `然后：` continues the step above
    "titled-fence.md": [
        ("code", 3, 7, None, "几段编码一样的视频无损拼成一个。先写列表文件", "合并视频"),
        ("command", 10, 13, "ffmpeg -f concat -safe 0 -i list.txt -c copy merged.mp4", "然后",
         "合并视频"),
        ("command", 19, 19, "rsync -az ./dist/ web1:/srv/app/", "部署", "合并视频 > 部署"),
        ("code", 26, 26, "set -g mouse on", "鼠标支持", "合并视频 > tmux"),
    ],
    # notes written in a word processor or pasted from a blog: commands in quotes or bare in
    # a sentence, a flag's dash made typographic (`–d`); a command a sentence only names
    # (`像 tail -f 一样`, `如果docker run指定了…`) is no answer
    "word-pasted.md": [
        ("command", 3, 3, "docker images", "使用docker images命令可以查看本地所有镜像。",
         "Docker 常用操作"),
        ("command", 5, 5, "docker pull centos:6", "我们可以用 docker pull centos:6 下载主镜像",
         "Docker 常用操作"),
        ("command", 7, 7, "docker volume ls", "命令：docker volume ls    说明：列出所有数据卷",
         "Docker 常用操作"),
        ("command", 9, 9, "docker run -d nginx", "后台运行容器要加 –d 参数", "Docker 常用操作"),
        ("prose", 11, 11, None, "", "Docker 常用操作"),
    ],
    # steps numbered 1、 and （3）, and comments marked as in other languages (`// 停止容器`,
    # `-- 启动容器`, `← 拷出来`), in a fence and out: the marks are no part of the command
    # nor of what it does
    "comment-marks.md": [
        ("command", 3, 4, "docker ps -a", "查看所有容器", "容器操作"),
        ("command", 6, 7, "docker rm web", "删除容器", "容器操作"),
        ("command", 9, 10, "docker logs -f web", "查看日志", "容器操作"),
        ("command", 12, 12, "docker stop web", "停止容器", "容器操作"),
        ("command", 13, 13, "docker start web", "启动容器", "容器操作"),
        ("command", 14, 14, "docker restart web", "重启容器", "容器操作"),
        ("command", 17, 17, "docker exec -it web bash", "进入容器", "容器操作"),
        ("command", 18, 18, "docker cp web:/etc/nginx/nginx.conf .", "从容器拷贝文件出来",
         "容器操作"),
        ("command", 22, 22, "docker images", "查看镜像", "容器操作"),
        ("command", 23, 23, "docker rmi nginx", "删除镜像", "容器操作"),
    ],
    # MyST (Jupyter Book, Sphinx): a code directive is a fence of its language; an
    # admonition's lines are Markdown under its title (a callout), its options nothing; a
    # link target (`(caching)=`) and a role's mark ({ref}) say nothing
    "myst.md": [
        ("command", 4, 7, "pip cache purge",
         "Remove everything pip has cached, see `the cache <cache-dir>`", "Caching"),
        ("prose", 12, 12, None, "", "Caching"),
        ("command", 16, 16, "pip config set global.index-url https://mirrors.aliyun.com/pypi/simple",
         "换源", "Caching"),
    ],
    # a definition list (Pandoc, PHP Markdown Extra): a term over `: definition` lines
    "definition-list.md": [
        ("command", 3, 3, "docker ps -a", "列出所有容器，包括停止的", "常用命令"),
        ("command", 6, 6, "docker logs -f web", "实时跟踪容器日志", "常用命令"),
        ("prose", 11, 11, None, "", "常用命令 > 网络驱动"),
        ("prose", 15, 15, None, "", "常用命令 > 网络驱动"),
        ("command", 20, 21, ":set paste", "粘贴前关掉自动缩进", "常用命令 > vim"),
    ],
    # an outliner's page (Logseq): tab-indented blocks, fences and headings on a block's
    # line, `key:: value` properties; a block over code says what the code does; a TODO block
    # is not said yet
    "outline.md": [
        ("command", 5, 8, "docker container prune -f", "删除所有已停止的容器", "容器"),
        ("command", 11, 11, "docker exec -it <容器名> sh", "进入正在运行的容器", "容器"),
        ("command", 12, 12, "docker logs --tail 100 <容器名>", "查看容器日志，只看最后 100 行",
         "容器"),
        ("command", 15, 15, "docker image prune", "清理 dangling 镜像", "镜像"),
        ("command", 18, 18, "docker tag app:latest registry.example.com/app:1.0", "给镜像打 tag",
         "镜像"),
        ("command", 21, 23, "docker network inspect bridge", "查看某个网络里有哪些容器", "网络"),
    ],
    # a heading that is a command, maybe with what it does: a command passage (a heading of
    # the command alone is described by the line under it)
    "heading-commands.md": [
        ("command", 3, 3, "docker ps -a", "查看所有容器",
         "Docker 速记 > docker ps -a 查看所有容器"),
        ("command", 5, 5, "docker rm $(docker ps -aq)", "删除全部容器，小心使用",
         "Docker 速记 > docker rm $(docker ps -aq)"),
        ("command", 8, 8, "docker logs -f web", "查看容器日志",
         "Docker 速记 > 查看容器日志 docker logs -f web"),
        ("command", 10, 10, "docker images", "列出本地镜像",
         "Docker 速记 > 查看容器日志 docker logs -f web > 1. $ docker images"),
        ("command", 13, 13, "docker system prune -a", "清理所有不用的资源",
         "Docker 速记 > `docker system prune -a` —— 清理所有不用的资源"),
    ],
    # a configuration block: a line a comment explains is a passage of its own (the comment
    # above it or after it its description); the block is one too
    "config-block.md": [
        ("code", 7, 7, "limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;",
         "按客户端 IP，每秒 10 个请求", "Nginx 片段"),
        ("code", 11, 11, "limit_req zone=api burst=20 nodelay;", "允许突发 20 个", "Nginx 片段"),
        ("code", 3, 14, None, "限流", "Nginx 片段"),
    ],
    # Obsidian notes: tag lines are metadata; links, highlights, tags and task boxes are no
    # words of a description; a callout (a quote) holds a fence of its own
    "obsidian.md": [
        ("command", 5, 5, "sudo apt install wireguard", "安装", "组网 wg0.conf"),
        ("prose", 7, 7, None, "", "组网 wg0.conf"),
        ("command", 8, 10, "sudo wg-quick strip wg0", "改完 一定先测试 配置", "组网 wg0.conf"),
        ("command", 13, 13, "sudo wg-quick up wg0", "启动接口", "组网 wg0.conf"),
    ],
    # the lines of a heredoc belong to the command that opens it (in a block or not); a
    # command continued with a backslash outside a block is one command too
    "heredoc.md": [
        ("command", 3, 9, "cat > hosts.ini <<'END'", "用 heredoc 写一个 inventory", "写配置文件"),
        ("command", 12, 17, "sudo tee /etc/systemd/system/job.timer > /dev/null <<EOF",
         "不用编辑器，直接写 unit 文件", "写配置文件"),
        ("command", 19, 22,
         'ansible all -i hosts.ini -m copy -a "src=./motd dest=/etc/motd" --become',
         "把文件拷到所有机器", "写配置文件"),
    ],
    # a command with no words of its own is what the heading right over its block asks or says
    # (numbering dropped); a section of many commands after a paragraph is no such heading
    "question-headings.md": [
        ("command", 6, 6, "git rebase -i HEAD~3", "如何把最近三次提交合并成一个？",
         "Git 进阶 > 如何把最近三次提交合并成一个？"),
        ("command", 12, 12, "pip list --outdated", "Check which packages are outdated",
         "Git 进阶 > Check which packages are outdated"),
        ("command", 18, 18, "sudo ss -tlnp", "端口有没有在监听", "Git 进阶 > 1. 端口有没有在监听"),
        ("prose", 23, 23, None, "", "Git 进阶 > 杂项"),
        ("command", 26, 26, "docker ps", "", "Git 进阶 > 杂项"),
        ("command", 27, 27, "docker images", "", "Git 进阶 > 杂项"),
        ("command", 28, 28, "docker volume ls", "", "Git 进阶 > 杂项"),
        ("command", 29, 29, "docker network ls", "", "Git 进阶 > 杂项"),
    ],
    # an introducing line of two sentences before several commands: the whole is their
    # context, the first sentence is shown with the first command
    "intro-sentences.md": [
        ("command", 3, 6, "ps aux | grep -i apt", "报错 Could not get lock",
         "报错 Could not get lock"),
        ("command", 7, 7, "sudo rm /var/lib/dpkg/lock-frontend", "报错 Could not get lock",
         "报错 Could not get lock"),
        ("command", 8, 8, "sudo dpkg --configure -a", "报错 Could not get lock",
         "报错 Could not get lock"),
    ],
    # HTML comments and tags are no passages; a <summary> introduces what its block holds
    "html.md": [
        ("command", 10, 10,
         "openssl pkcs12 -export -out cert.pfx -inkey privkey.pem -in fullchain.pem",
         "pem -> pfx", "证书 > pem 转 pfx"),
        ("command", 12, 12, "openssl pkcs12 -in cert.pfx -out cert.pem -nodes", "pfx -> pem",
         "证书 > pem 转 pfx"),
        ("command", 21, 21, "openssl x509 -in cert.pem -noout -text", "查看证书内容", "证书"),
    ],
    # list items naming commands in inline code: one command each, the item's words (or the
    # clause holding it) its description; an item led by code that is no command stays prose
    "list-inline-code.md": [
        ("command", 5, 5, "git reflog", "先用 git reflog 查看 HEAD 的移动记录，找到出事之前那一条",
         "Git 救命 > 找回提交"),
        ("command", 6, 6, "git stash pop", "用 git stash pop 恢复最近一次", "Git 救命 > 找回提交"),
        ("command", 6, 6, "git stash apply stash@{1}",
         "想保留在列表里就用 git stash apply stash@{1}", "Git 救命 > 找回提交"),
        ("command", 7, 7, "git rm --cached secret.yml",
         "还没 push：git rm --cached secret.yml，加进 .gitignore，然后 git commit --amend",
         "Git 救命 > 找回提交"),
        ("command", 7, 7, "git commit --amend",
         "还没 push：git rm --cached secret.yml，加进 .gitignore，然后 git commit --amend",
         "Git 救命 > 找回提交"),
        ("command", 11, 11, "npm ci", "严格按 package-lock.json 装", "Git 救命 > 安装依赖"),
        ("command", 12, 12, "npm install -g pm2", "全局安装", "Git 救命 > 安装依赖"),
        ("command", 13, 13, "FLUSHDB", "清空当前库", "Git 救命 > 安装依赖"),
        ("prose", 14, 14, None, "", "Git 救命 > 安装依赖"),
        ("prose", 15, 15, None, "", "Git 救命 > 安装依赖"),
        # a program the command glossary knows leads an item (`uptime`), a dash before what
        # it does; the line introducing the list is the context of every item (see below)
        ("command", 19, 19, "uptime", "看负载的趋势", "Git 救命 > 安装依赖"),
        ("command", 20, 20, "vmstat 1", "看运行队列", "Git 救命 > 安装依赖"),
        # what an item says is for its first command; one after 然后 is that one's next step
        ("command", 24, 24, "defaults write com.apple.finder AppleShowAllFiles -bool true",
         "Finder 显示隐藏文件：defaults write com.apple.finder AppleShowAllFiles -bool true，"
         "然后 killall Finder。", "Git 救命 > macOS"),
        ("command", 24, 24, "killall Finder", "然后", "Git 救命 > macOS"),
    ],
    # items under `- 日常操作：` take it as context; the parent alone is no passage
    "nested-lists.md": [
        ("command", 4, 4, "sudo supervisorctl reread", "读取配置变化", "supervisorctl"),
        ("command", 5, 5, "sudo supervisorctl update", "应用变化", "supervisorctl"),
        ("command", 7, 7, "sudo supervisorctl status", "看所有程序状态", "supervisorctl"),
        ("prose", 9, 9, None, "", "supervisorctl"),
        ("prose", 10, 10, None, "", "supervisorctl"),
    ],
    # a command a sentence names is an answer of its own, described by its phrase; not one
    # the sentence warns against
    "inline-commands.md": [
        ("command", 3, 5, "sudo nginx -s reload", "不中断连接重新加载配置", "nginx"),
        ("command", 7, 7, "sudo systemctl reload nginx",
         "或者 sudo systemctl reload nginx，效果一样。", "nginx"),
        # no prose copy of a sentence a command passage shows; the warning stays prose
        ("command", 9, 9, "nvm use", "进去以后直接 nvm use 就行。", "nginx"),
        ("prose", 9, 9, None, "", "nginx"),
        # a SQL statement in a sentence is a command too
        ("command", 11, 11, "select pg_cancel_backend(12345);",
         "干掉跑太久的查询：先试 select pg_cancel_backend(12345);（只取消当前查询）", "nginx"),
        ("command", 11, 11, "select * from t", "查表用 select * from t 就行。", "nginx"),
    ],
    # English notes: labels before code, programs qa does not know, prompts and their output,
    # crontab lines, key tables and two-column lines, flags listed in code, a Makefile
    "english-shapes.md": [
        ("command", 3, 3, "go vet ./...", "static checks", "Dev tools"),
        ("command", 4, 4, "CGO_ENABLED=0 go build .", "fully static binary, no cgo", "Dev tools"),
        ("command", 5, 5, "open .", "Open the current folder in Finder", "Dev tools"),
        ("command", 9, 9, "createdb appdb_copy", "Restore it into a new database", "Dev tools"),
        ("command", 10, 10, "pg_restore -d appdb_copy appdb.dump",
         "Restore it into a new database", "Dev tools"),  # `COPY 1532` is its output
        ("command", 13, 15, "select pg_terminate_backend(48211);", "Kill one of them by pid",
         "Dev tools"),
        ("command", 17, 19, "30 2 * * * rsync -a --delete ~/ /Volumes/Backup/home/",
         "Nightly at 02:30 from crontab", "Dev tools"),
        ("command", 21, 21, "ffmpeg -ss 00:01:30 -i talk.mp4 -c copy clip.mp4",
         "To cut out a clip without re-encoding, copy the streams", "Dev tools"),
        ("prose", 21, 21, None, "", "Dev tools"),  # the sentence that names no command
        ("command", 27, 27, ":q!", "quit without saving", "Dev tools > Keys"),
        ("command", 29, 29, ":vsp file", "open file in a vertical split", "Dev tools > Keys"),
        ("command", 30, 30, "Ctrl-w w", "jump to the next split", "Dev tools > Keys"),
        ("command", 33, 33, "\\dt", "list tables in the current schema", "Dev tools > Keys"),
        ("command", 34, 34, "\\x", "toggle expanded output", "Dev tools > Keys"),
        ("flag", 39, 39, None, "archive mode: recursive, keeps permissions",
         "Dev tools > Flags reminder"),
        ("flag", 40, 40, None, "show what would happen", "Dev tools > Flags reminder"),
        ("code", 43, 44, None, "Flags reminder", "Dev tools > Flags reminder"),
    ],
    "mixed-prose.md": [
        ("prose", 3, 3, None, "", "Docker 与 namespace"),
        ("prose", 5, 5, None, "", "Docker 与 namespace"),
        ("prose", 7, 7, None, "", "Docker 与 namespace"),
    ],
}

# Every command line of the shipped notes, by line number (front matter is lines 1-9).
DOCKER_COMMAND_LINES = (
    [26, 27, 28, 35, 36, 37, 38]
    + list(range(92, 106)) + list(range(107, 116)) + [117, 121, 124, 129, 131, 134, 137]
    + [148, 152, 154, 155, 159] + list(range(194, 208)) + [209, 213, 214, 215, 217]
    + [220, 221, 222, 223, 226, 231, 232, 233, 234, 237, 242, 244])


def _at(passages: list[Passage], kind: str, line: int, command: str | None = None) -> Passage:
    """The passage of this kind starting at this line (the one of `command`, when a line holds
    several commands)."""
    found = [p for p in passages if p.kind == kind and p.source.line == line
             and (command is None or p.command == command)]
    assert found, f"no {kind} passage starts at line {line}: " + repr(
        [(p.kind, p.source.line, p.text[:30]) for p in passages])
    return found[0]


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_fixture_gives_the_expected_passages(name: str) -> None:
    passages = fixture_passages(name)
    for kind, line, end, command, description, section in GOLDEN[name]:
        p = _at(passages, kind, line, command)
        assert (p.source.end_line, p.command, p.description, p.section) == (
            end, command, description, section), p
        assert p.source.path == name


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_fixture_commands_are_exactly_its_command_lines(name: str) -> None:
    got = [p.command for p in fixture_passages(name) if p.kind == "command"]
    want = [g[3] for g in GOLDEN[name] if g[0] == "command"]
    assert got == want


def test_every_shape_has_a_fixture() -> None:
    on_disk = {p.name for p in FIXTURES.glob("*.md")}
    assert on_disk == set(GOLDEN) | {"flag-table.md", "markdown-table.md", "definition-flags.md"}


def test_trailing_comment_is_not_part_of_the_command() -> None:
    for p in fixture_passages("trailing-comment.md"):
        assert p.command and "#" not in p.command.replace("/#top", "")
        assert p.text.startswith(p.command)  # the passage shows the line as written


def test_one_command_with_its_description_shows_both() -> None:
    p = _at(fixture_passages("description-colon.md"), "command", 3)
    assert p.text == "将容器挂载到宿主的指定目录上\ndocker run -it -v /opt/data:/data centos"


def test_output_of_a_session_is_in_no_passage() -> None:
    texts = "\n".join(p.text for p in fixture_passages("session-prompts.md"))
    for output in ("syntax is ok", "| Id | User |", "(integer) 1742"):
        assert output not in texts
    assert "mysql> KILL 12;" in texts  # the line as written, prompt and all


def test_every_sentence_of_an_introducing_line_is_in_a_passage() -> None:
    passages = fixture_passages("intro-sentences.md")
    assert [p.text for p in passages][:2] == [
        "一般是后台的 unattended-upgrades 在跑，等它跑完就行。\nps aux | grep -i apt",
        "sudo rm /var/lib/dpkg/lock-frontend"]
    assert {p.context for p in passages if p.kind == "command"} == {
        "一般是后台的 unattended-upgrades 在跑，等它跑完就行。确认没有 apt 进程了还报错"}


def test_two_commands_of_one_item_are_two_passages_of_the_item() -> None:
    passages = [p for p in fixture_passages("list-inline-code.md") if p.source.line == 7]
    assert [p.command for p in passages] == ["git rm --cached secret.yml", "git commit --amend"]
    assert {p.text for p in passages} == {
        "还没 push：`git rm --cached secret.yml`，加进 `.gitignore`，然后 `git commit --amend`"}


def test_the_line_introducing_a_list_is_the_context_of_every_item() -> None:
    passages = fixture_passages("list-inline-code.md")
    assert [p.context for p in passages if 19 <= p.source.line <= 20] == ["排查时按顺序敲"] * 2
    assert [p.context for p in passages if p.source.line in (11, 12)] == ["", ""]


def test_nested_items_take_their_parent_as_context() -> None:
    passages = fixture_passages("nested-lists.md")
    assert [p.context for p in passages if p.kind == "command"] == [
        "加了新配置以后", "加了新配置以后", "日常操作"]
    assert not any(p.source.line in (3, 6, 8) for p in passages)  # parents are no answers
    assert _at(passages, "prose", 9).text == (
        "证书放在 /etc/letsencrypt/live/\n`fullchain.pem`：证书 + 中间证书")


def test_definition_list_of_flags_gives_flag_entries() -> None:
    passages = fixture_passages("definition-flags.md")
    flags = [(p.source.line, p.flags[0].short, p.flags[0].long, p.flags[0].description,
              p.flags[0].command) for p in passages if p.kind == "flag"]
    assert flags == [
        (3, "-y", None, "所有提问自动回答 yes", "apt-get"),
        (4, None, "--no-install-recommends", "不装推荐的包", "apt-get"),
        (8, None, "--user", "装到用户目录", "pip"),
        (9, "-U", "--upgrade", "升级到最新版", "pip"),
    ]


def test_negative_numbers_in_prose_are_not_flags() -> None:
    prose = _at(fixture_passages("definition-flags.md"), "prose", 11)
    assert prose.flags == ()


def test_flags_listed_in_code_in_a_sentence_are_flag_entries() -> None:
    prose = _at(fixture_passages("definition-flags.md"), "prose", 17)
    assert [(f.short, f.description, f.command) for f in prose.flags] == [
        ("-t", "TCP", "ss"), ("-l", "只看监听", "ss"), ("-p", "显示进程", "ss")]


def test_command_a_sentence_warns_against_is_no_answer() -> None:
    commands = [p.command for p in fixture_passages("inline-commands.md")]
    assert "chmod -R 777" not in commands
    nvm = _at(fixture_passages("inline-commands.md"), "command", 9)
    assert nvm.text.startswith("项目根目录放一个")  # the whole sentence is shown


@pytest.mark.parametrize(("line", "command"), [
    ("千万别直接 `rm -rf /data/mysql`，先停库。", None),  # a warning
    ("不要图省事直接 `chmod -R 777 /var/www`。", None),
    ("只要表结构、不要数据：`mysqldump -u root -p --no-data shop > schema.sql`。",
     "mysqldump -u root -p --no-data shop > schema.sql"),  # the colon gives the way
    ("别直接改 jail.conf：`sudo cp jail.conf jail.local`，改 local。",
     "sudo cp jail.conf jail.local"),
    ("实在不能重启就 `kill -HUP 1234` 让它重读配置。", "kill -HUP 1234"),  # a condition
    ("只要别的分支上的某一个提交：`git cherry-pick 81be0d2`。",
     "git cherry-pick 81be0d2"),  # 别的 is other, no don't
])
def test_a_command_a_sentence_warns_against_and_one_it_offers(line: str,
                                                              command: str | None) -> None:
    commands = [c for c, _ in _described(f"# 笔记\n\n{line}\n") if c]
    assert commands == ([command] if command else [])


def test_a_definition_lists_word_term_is_said_with_what_it_is() -> None:
    """`bridge` over `: 默认的网络驱动…` lines: one passage saying the term, then its
    definitions (a command term is a command they describe: see GOLDEN)."""
    passages = fixture_passages("definition-list.md")
    bridge = _at(passages, "prose", 11)  # (the term's line)
    assert bridge.text == ("bridge：默认的网络驱动，同一主机上的容器互通；"
                           "自定义的 bridge 网络里容器能按名字互相访问")
    assert _at(passages, "prose", 15).text == "host：直接用宿主机的网络栈，没有端口映射"


def test_an_introducing_sentence_wrapped_over_lines_introduces_whole() -> None:
    """English wrapped at a width: the sentence that ends in a colon began lines above, and
    all of it says what the code below is for; the sentences before it are prose."""
    passages = parse_text("# Install\n\nPip installs from many places.\nThe supported schemes"
                          " are `git+https`, `git+ssh`,\n`git+file` and `git`. Here are some"
                          " forms:\n\n```\npip install git+https://example.com/p.git\n```\n"
                          "\nThe hash is not the password itself. Generate it with:\n\n"
                          "```\ncaddy hash-password --plaintext 'hunter2'\n```\n", "x.md").passages
    pip = _at(passages, "command", 4)
    assert pip.description == ("The supported schemes are `git+https`, `git+ssh`, `git+file` and "
                           "`git`. Here are some forms")
    assert _at(passages, "prose", 3).text == "Pip installs from many places."
    caddy = next(p for p in passages if (p.command or "").startswith("caddy"))
    assert caddy.description == "The hash is not the password itself. Generate it with"


def test_an_r_markdown_chunk_is_code() -> None:
    """```` ```{r} ```` and ```` ```{bash} ```` (R Markdown) are code of that language, not
    callouts as MyST's ```` ```{note} ```` is."""
    passages = parse_text("# R\n\n```{r}\nlibrary(ggplot2)\n```\n\n```{bash}\ndocker ps -a\n```"
                          "\n\n```{note}\n记得先备份\n```\n", "x.md").passages
    assert [(p.kind, p.command, p.text) for p in passages] == [
        ("code", None, "library(ggplot2)"), ("command", "docker ps -a", "docker ps -a"),
        ("prose", None, "Note\n记得先备份")]


def test_a_comment_mark_goes_only_where_it_marks_a_comment() -> None:
    """`docker stop web   // 停止容器`: a comment (see comment-marks.md); a table's description
    that starts with the `--` it explains keeps it."""
    described = _described("# npm\n\n| 命令 | 说明 |\n|---|---|\n"
                           "| `npm run build -- --watch` | `--` 后面的参数原样传给脚本 |\n")
    assert described == [("npm run build -- --watch", "-- 后面的参数原样传给脚本")]


def test_a_myst_admonition_is_a_callout() -> None:
    passages = fixture_passages("myst.md")
    warning = _at(passages, "prose", 12)
    assert warning.text == "Warning\nDo not delete the cache while pip is running."
    assert _at(passages, "command", 16).context == "国内镜像"


def test_a_line_saying_an_example_follows_introduces_it() -> None:
    """`…, e.g.` and `命令如下` introduce the code below as a colon does."""
    described = _described("# Req\n\nThe general form is `Name @ URL`, e.g.\n\n"
                           "```\npip install \"p @ git+https://example.com/p\"\n```\n\n"
                           "镜像命令如下\n\n```\ndocker images\n```\n")
    assert described == [('pip install "p @ git+https://example.com/p"',
                          "The general form is `Name @ URL`, e.g."),
                         ("docker images", "镜像命令如下")]


def test_footnote_marks_are_no_part_of_what_a_line_says() -> None:
    """`…file`[^bsd]。` and `[^bsd]: …`: the marks go; `[^a-z]` in code stays."""
    passages = parse_text("# sed\n\n"
                          "macOS 的 sed 不要备份就写空字符串：`sed -i '' 's/a/b/g' f`[^bsd]。\n\n"
                          "按字符类删：`tr -d '[^a-z]' < f`\n\n"
                          "[^bsd]: 或者 `brew install gnu-sed`，然后用 `gsed`。\n", "x.md").passages
    assert [(p.command, p.description) for p in passages if p.command] == [
        ("sed -i '' 's/a/b/g' f", "macOS 的 sed 不要备份就写空字符串"),
        ("tr -d '[^a-z]' < f", "按字符类删"),
        ("brew install gnu-sed", "或者 brew install gnu-sed，然后用 gsed。")]
    assert not any("[^bsd]" in p.text for p in passages)


def test_english_prose_is_no_command_and_output_is_no_passage() -> None:
    passages = fixture_passages("english-shapes.md")
    texts = "\n".join(p.text for p in passages)
    assert "COPY 1532" not in texts
    assert not any(p.command and "`" in p.command for p in passages)
    prose = _at(passages, "prose", 21)
    assert prose.text == "Putting `-ss` before `-i` makes the seek fast."
    flags = {f.long or f.short: f for p in passages for f in p.flags if p.kind == "flag"}
    assert (flags["--dry-run"].short, flags["--dry-run"].command) == ("-n", "rsync")


def test_html_is_no_passage_and_a_summary_heads_its_block() -> None:
    """`<summary>` says what its `<details>` holds, as a heading would, until `</details>`."""
    passages = fixture_passages("html.md")
    assert [p.kind for p in passages] == ["command", "command", "command"]
    assert [p.section for p in passages] == ["证书 > pem 转 pfx"] * 2 + ["证书"]
    assert not any(word in p.text for p in passages for word in ("<", "整理", "注释"))


def test_an_unclosed_html_comment_hides_its_line_only() -> None:
    passages = parse_text("# t\n\n<!-- 没有闭合\n\n正文一句。\n", "x.md").passages
    assert [(p.kind, p.source.line, p.text) for p in passages] == [("prose", 5, "正文一句。")]


def test_heading_numbers_are_dropped_but_numbers_that_are_words_stay() -> None:
    text = "## 2.2 看日志\n\n```\njournalctl -f\n```\n\n## 3306 端口\n\n```\nss -tlnp\n```\n"
    assert [p.description for p in parse_text(text, "x.md").passages] == ["看日志", "3306 端口"]


def test_sentence_introducing_several_commands_is_their_context() -> None:
    passages = fixture_passages("description-colon.md")
    grouped = [p for p in passages if p.source.line in (13, 14)]
    assert [p.context for p in grouped] == ["网络相关命令如下", "网络相关命令如下"]
    assert not any(p.text.startswith("网络相关命令如下") for p in passages)


def test_code_block_keeps_its_introducing_sentence_and_drops_the_fences() -> None:
    p = _at(fixture_passages("fenced-blocks.md"), "code", 13)
    assert p.text == "一个打印当前目录的 Python 脚本\nimport os\nprint(os.getcwd())"
    assert not any("```" in q.text or "~~~" in q.text for q in fixture_passages("fenced-blocks.md"))


def test_unclosed_fence_still_gives_its_commands() -> None:
    passages = fixture_passages("unclosed-fence.md")
    assert [p.command for p in passages if p.kind == "command"] == [
        "docker image prune -a", "docker container prune"]
    assert all(p.context == "清理无用的镜像和容器" for p in passages if p.kind == "command")


def test_flag_table_gives_one_passage_a_flag() -> None:
    flags = [p for p in fixture_passages("flag-table.md") if p.kind == "flag"]
    entries = [(p.source.line, p.flags[0].short, p.flags[0].long, p.flags[0].default,
                p.flags[0].command) for p in flags]
    assert entries == [
        (7, "-d", "--detach", "false", "docker run"),
        (8, "-m", "--memory", '""', "docker run"),
        (9, "-P", "--publish-all", "false", "docker run"),
        (10, "-p", "--publish", "[]", "docker run"),
        (11, None, "--net", '"bridge"', "docker run"),
        (15, None, "--rm", "false", "docker run"),
    ]
    by_short = {p.flags[0].short: p for p in flags}
    assert by_short["-m"].description == "指定容器的内存上限"
    assert by_short["-P"].description != by_short["-p"].description  # case matters


def test_flag_continuation_lines_belong_to_their_flag() -> None:
    net = _at(fixture_passages("flag-table.md"), "flag", 11)
    assert (net.source.line, net.source.end_line) == (11, 14)
    for mode in ("bridge 使用docker daemon指定的网桥", "host", "none 容器使用自己的网络"):
        assert mode in net.text
        assert mode in net.flags[0].description
    rm = _at(fixture_passages("flag-table.md"), "flag", 15)
    assert "none" not in rm.text


def test_usage_line_of_a_flag_table_is_not_a_flag() -> None:
    passages = fixture_passages("flag-table.md")
    assert not any("Usage" in p.text for p in passages if p.kind == "flag")


def test_markdown_table_rows_are_flag_entries() -> None:
    passages = fixture_passages("markdown-table.md")
    rows = [(p.kind, p.source.line, p.flags[0].short if p.flags else None,
             p.flags[0].long if p.flags else None, p.description) for p in passages]
    assert rows == [
        ("flag", 5, "-o", None, "把输出写到文件"),
        ("flag", 6, "-L", "--location", "跟随重定向"),
        ("flag", 7, "-s", "--silent", "静默模式，不显示进度"),
    ]
    assert all(p.flags[0].command == "curl" for p in passages)


def test_table_header_and_rule_are_not_passages() -> None:
    texts = " ".join(p.text for p in fixture_passages("markdown-table.md"))
    assert "说明" not in texts and "---" not in texts


def test_front_matter_is_metadata_not_a_passage() -> None:
    passages = fixture_passages("front-matter.md")
    assert all(p.source.line > 6 for p in passages)
    assert not any(word in p.text for p in passages for word in ("layout", "tags", "2019-01-01"))


def test_tldr_page_description_is_not_quoted_and_placeholders_stay() -> None:
    passages = fixture_passages("tldr-page.md")
    intro = _at(passages, "prose", 3)
    assert intro.text.startswith("管理 Docker 容器和镜像。")
    assert ">" not in intro.text
    assert all("`" not in (p.command or "") for p in passages)


def test_headings_are_not_passages_and_closing_hashes_are_dropped() -> None:
    passages = fixture_passages("headings.md")
    assert [p.kind for p in passages] == ["command", "command", "command"]
    assert passages[-1].section.endswith("镜像")


def test_mixed_prose_keeps_both_languages_in_one_paragraph_passage() -> None:
    last = _at(fixture_passages("mixed-prose.md"), "prose", 7)
    assert last.text == ("The Docker daemon listens on a Unix socket by default，"
                         "需要远程管理时再打开 TCP 端口。")


def test_a_section_of_several_paragraphs_is_several_passages() -> None:
    passages = fixture_passages("mixed-prose.md")
    assert len({p.source.line for p in passages}) == 3
    assert all(p.source.line == p.source.end_line for p in passages)


def test_gbk_notes_read_like_utf8_notes(gbk_notes: Path) -> None:
    with pytest.raises(UnicodeDecodeError):
        gbk_notes.read_bytes().decode("utf-8")  # the fixture really is GBK
    passages = parse(gbk_notes)
    cmd = _at(passages, "command", 5)
    assert (cmd.command, cmd.description, cmd.section, cmd.source.end_line) == (
        "tar -czvf logs.tar.gz /var/log/nginx", "把日志目录打包压缩", "备份笔记 > 打包", 6)
    assert _at(passages, "prose", 8).text == "定时备份写进 crontab，每天凌晨两点执行。"


def test_bom_and_crlf_leave_no_trace(bom_crlf_notes: Path) -> None:
    passages = parse(bom_crlf_notes)
    assert [(p.source.line, p.source.end_line, p.command, p.description, p.section)
            for p in passages] == [
        (3, 5, "ssh -i {{~/.ssh/id_ed25519}} {{用户}}@{{主机}}", "用密钥登录服务器", "远程登录"),
        (7, 9, "ssh-copy-id {{用户}}@{{主机}}", "把本地公钥装到服务器上", "远程登录"),
    ]
    for p in passages:
        for text in (p.text, p.command or "", p.section, p.description):
            assert "\r" not in text and "\ufeff" not in text


# --- the shipped notes ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def docker_passages() -> list[Passage]:
    return parse(DOCKER_NOTES, "corpus/2018-05-09-docker-notes-1.md")


def test_every_command_line_of_the_docker_notes_is_its_own_passage(
        docker_passages: list[Passage]) -> None:
    commands = [p for p in docker_passages if p.kind == "command"]
    assert len(DOCKER_COMMAND_LINES) == 73
    assert len(commands) == 73
    assert [p.source.end_line for p in commands] == DOCKER_COMMAND_LINES
    lines = DOCKER_NOTES.read_text(encoding="utf-8").split("\n")
    for p in commands:
        assert p.command and p.command in lines[p.source.end_line - 1], p


def test_docker_notes_passage_of_the_contract(docker_passages: list[Passage]) -> None:
    p = _at(docker_passages, "command", 107)
    assert p.command == "docker rm $(docker container ls -aq)"
    assert p.description == "删除所有容器"
    assert p.text == "docker rm $(docker container ls -aq) #删除所有容器"
    assert p.section == "docker笔记1"
    assert (p.source.path, p.source.end_line) == ("corpus/2018-05-09-docker-notes-1.md", 107)


def test_docker_notes_front_matter_gives_no_passage(docker_passages: list[Passage]) -> None:
    assert min(p.source.line for p in docker_passages) > 9
    assert all(p.section == "docker笔记1" for p in docker_passages)


def test_docker_notes_are_never_one_big_passage(docker_passages: list[Passage]) -> None:
    assert len(docker_passages) > 100
    assert max(p.source.end_line - p.source.line for p in docker_passages) < 10


def test_docker_run_flags_are_entries_of_docker_run(docker_passages: list[Passage]) -> None:
    flags = {f.short or f.long: f for p in docker_passages if p.kind == "flag" for f in p.flags}
    assert flags["-m"].long == "--memory" and flags["-m"].description == "指定容器的内存上限"
    assert flags["-P"].long == "--publish-all" and flags["-p"].long == "--publish"
    assert all(f.command == "docker run" for f in flags.values())
    assert len(flags) == 32  # lines 50-88, continuation lines folded in


# --- never crashes ----------------------------------------------------------------------------
_MD_PIECES = st.sampled_from([
    "# 标题", "## 小节", "---", "title: x", "```", "```bash", "~~~", "    docker ps -a",
    "docker ps -l # 查看", "删除容器：", "", "  -m, --memory=\"\"   内存上限", "| -p | 端口 |",
    "|---|---|", "- 移除容器：", "`docker rm {{容器}}`", "> 描述", "中文 English 混排。",
    "\t缩进", "\\", "#", "`", "{{", "$(docker ps -aq)", "\r", "\ufeff",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_MD_PIECES, st.text(max_size=30)), max_size=40))
@example(["```bash", "#"])  # a lone comment marker in a shell block is no command
@example(["```", "# 标题", "{{"])  # a comment over `{{` describes no setting
def test_any_text_parses_into_passages_within_the_file(lines: list[str]) -> None:
    text = "\n".join(lines)
    passages = parse_text(text, "any.md").passages
    n = text.count("\n") + 1
    for p in passages:
        assert 1 <= p.source.line <= p.source.end_line <= n
        assert p.kind in ("command", "flag", "prose", "code")
        assert p.command is None or p.command.strip() == p.command and p.command


def test_a_heredoc_is_shown_with_the_command_that_opens_it() -> None:
    p = _at(fixture_passages("heredoc.md"), "command", 12)
    assert "OnCalendar=daily" in p.text and p.text.endswith("EOF")
    assert not any(q.command in ("[web]", "EOF", "END") for q in fixture_passages("heredoc.md"))


def test_tags_are_no_passage() -> None:
    assert all("#linux" not in p.text for p in fixture_passages("obsidian.md"))


def test_a_description_does_not_end_in_the_colon_that_introduces_more() -> None:
    text = "# conda\n\n导出成 yml，对方用 `conda env create -f env.yml` 还原：\n\n" \
           "```bash\nconda env export > env.yml\n```\n"
    passages = parse_text(text, "x.md").passages
    create = next(p for p in passages if p.command == "conda env create -f env.yml")
    assert create.description == "对方用 conda env create -f env.yml 还原"


def test_a_callouts_title_is_what_the_commands_in_it_are_about() -> None:
    text = "# iptables\n\n> [!warning] 远程改防火墙前\n> 先设个定时恢复：" \
           "`echo \"iptables-restore < /root/fw.bak\" | at now + 5 minutes`\n\n" \
           "封禁某个 IP：`sudo iptables -I INPUT -s 198.51.100.23 -j DROP`\n"
    passages = parse_text(text, "x.md").passages
    at = next(p for p in passages if p.command and p.command.endswith("at now + 5 minutes"))
    assert at.description == "先设个定时恢复" and "远程改防火墙前" in at.context
    after = next(p for p in passages if p.command and p.command.startswith("sudo iptables"))
    assert "远程改防火墙前" not in after.context  # the callout has ended


def test_a_containers_title_is_what_its_commands_are_about() -> None:
    """`!!! tip "国内镜像"`, `=== "Windows"`, `::: warning 远程操作`: the title says what the
    commands inside are for; the markup itself is no answer."""
    passages = fixture_passages("static-site.md")
    context = {p.command: p.context for p in passages if p.command}
    assert context['export RUSTUP_DIST_SERVER="https://rsproxy.cn"'] == "国内镜像"
    assert context["winget install astral-sh.uv"] == "Windows"
    assert context["cp frpc.toml frpc.toml.bak"] == "远程操作"
    assert not any("{%" in p.text or "{{<" in p.text or p.text.startswith(("!!!", "===", ":::"))
                   for p in passages)


def test_a_subcommand_in_a_sentence_is_part_of_a_command_not_one() -> None:
    """`down -v` said in a warning is a part of `docker compose down -v`, not a command."""
    text = "# compose\n\n`down -v` 会把具名卷一起删掉，数据就没了！\n\n" \
           "```bash\ndocker compose down -v   # 连同数据卷一起删除\n```\n"
    commands = [p.command for p in parse_text(text, "x.md").passages if p.command]
    assert commands == ["docker compose down -v"]


def test_the_line_over_numbered_steps_is_the_context_of_each_steps_code() -> None:
    text = "# rust\n\n想要不依赖 glibc 的静态二进制，用 musl 目标：\n\n1. 添加目标平台：\n\n" \
           "    ```bash\n    rustup target add x86_64-unknown-linux-musl\n    ```\n\n" \
           "2. 编译时指定 target：\n\n" \
           "    ```bash\n    cargo build --release --target x86_64-unknown-linux-musl\n    ```\n"
    steps = [p for p in parse_text(text, "x.md").passages if p.command]
    assert [p.description for p in steps] == ["添加目标平台", "编译时指定 target"]
    assert all("musl 目标" in p.context for p in steps)


def test_what_the_notes_do_not_say_yet_is_no_answer() -> None:
    """An open task (`- [ ] 补一下 ZFS 的笔记`) or a `TODO:` line names what the notes lack."""
    text = "# 首页\n\n## TODO\n\n- [x] 整理 LVM 扩容步骤\n- [ ] 补一下 ZFS 的笔记（还没用过）\n\n" \
           "TODO: write up the terraform state commands.\n\n" \
           "扩容用 `lvextend -r -L +10G /dev/vg/lv`\n"
    passages = parse_text(text, "x.md").passages
    assert not any("ZFS" in p.text or "terraform" in p.text for p in passages)
    assert any(p.command == "lvextend -r -L +10G /dev/vg/lv" for p in passages)


def _commands(text: str) -> dict[str, Passage]:
    return {p.command: p for p in parse_text(text, "x.md").passages if p.command}


def _described(text: str) -> list[tuple[str | None, str]]:
    """Each passage of a note as (its command, its description)."""
    return [(p.command, p.description) for p in parse_text(text, "x.md").passages]


def test_a_comment_in_a_console_session_is_no_root_prompt() -> None:
    """`# ` is root's prompt only before a command and where no `$ ` prompt is, or after
    `$ sudo -i`; otherwise it says what the next command does."""
    found = _commands("# a\n\n```console\n# 先更新软件源\n$ sudo apt update\n"
                      "# make sure nginx is running\n$ systemctl status nginx\n```\n\n"
                      "```console\n$ sudo -i\n# useradd -m deploy\n```\n\n"
                      "```console\n# cat /etc/fstab\n"
                      "# /etc/fstab: static file system information.\n"
                      "UUID=1234 / ext4 defaults 0 1\n```\n")
    assert set(found) == {"sudo apt update", "systemctl status nginx", "sudo -i",
                          "useradd -m deploy", "cat /etc/fstab"}
    assert found["sudo apt update"].description == "先更新软件源"


def test_a_url_in_a_mongosh_call_is_no_comment() -> None:
    found = _commands('# m\n\n```js\ndb.links.insertOne({ url: "https://example.com/a" })  '
                      '// 记录网址\n```\n')
    assert found['db.links.insertOne({ url: "https://example.com/a" })'].description == "记录网址"


def test_markup_inside_code_is_the_codes() -> None:
    """A `:::` inside a fence, a Jinja tag in indented code: the code's, not markup."""
    text = "::: tip 用法\n写法如下：\n\n```md\n::: warning\n内容\n:::\n```\n:::\n\n" \
           "模板：\n\n    upstream app {\n    {% for h in groups.web %}\n" \
           "        server {{ h }}:8080;\n    {% endfor %}\n    }\n"
    passages = parse_text(text, "x.md").passages
    assert any("::: warning" in p.text for p in passages)
    assert any("{% for h in groups.web %}" in p.text for p in passages)
    assert not any(p.text.strip(":") == "" for p in passages)


@pytest.mark.parametrize("indent", ["\t", "    "])
def test_an_admonitions_title_holds_however_its_body_is_indented(indent: str) -> None:
    text = f"    ls -la\n\n!!! tip \"国内镜像\"\n{indent}用清华源：\n\n{indent}```bash\n" \
           f"{indent}pip config set global.index-url https://x/simple\n{indent}```\n"
    found = _commands(text)
    assert found["pip config set global.index-url https://x/simple"].context == "国内镜像"


def test_a_checklist_step_with_its_command_is_said() -> None:
    found = _commands("# 上线\n\n- [ ] 重载 nginx `nginx -s reload`\n- [ ] 补一下 ZFS 的笔记\n")
    assert set(found) == {"nginx -s reload"}


def test_commands_that_share_a_word_with_subcommands_are_commands_in_a_sentence() -> None:
    found = _commands("# s\n\n启动代理要先执行 `eval \"$(ssh-agent -s)\"`。\n\n"
                      "装二进制：`install -m 755 mytool /usr/local/bin/`\n\n"
                      "`down -v` 会把卷一起删掉。\n")
    assert set(found) == {'eval "$(ssh-agent -s)"', "install -m 755 mytool /usr/local/bin/"}


def test_a_cell_of_two_commands_is_not_one_command() -> None:
    found = _commands("| 操作 | 命令 |\n|---|---|\n"
                      "| 查看分支 | `git branch` 或 `git branch -a` |\n")
    assert "git branch 或 git branch -a" not in found


def test_a_pre_block_pasted_from_a_web_page_is_a_code_block() -> None:
    """`<pre><code>…</code></pre>` (CSDN, StackOverflow pasted): a fenced block, without its
    tags and entities, on the lines it stands on."""
    text = "# JVM\n\n手动导出堆快照：\n\n" \
           "<pre><code>jmap -dump:live,format=b,file=/tmp/heap.hprof 12345\n" \
           "</code></pre>\n\n<pre><code class=\"language-bash\">ls -la &amp;&amp; echo ok\n" \
           "grep -c &quot;x&quot; a.txt &gt; n.txt</code></pre>\n"
    found = _commands(text)
    heap = found["jmap -dump:live,format=b,file=/tmp/heap.hprof 12345"]
    assert heap.description == "手动导出堆快照" and heap.source.line == 3
    assert found['grep -c "x" a.txt > n.txt'].source.line == 9
    assert "ls -la && echo ok" in found


def test_a_hash_line_in_a_quote_heads_no_part_of_the_note() -> None:
    """`> # -*- coding: utf-8 -*-` quotes a line of code: what follows stays in its section."""
    text = "# 编码\n\n## 问题：SyntaxError\n\n文件头加上：\n\n> # -*- coding: utf-8 -*-\n\n" \
           "## 问题：控制台乱码\n\n切换代码页：`chcp 65001`\n"
    found = _commands(text)
    assert found["chcp 65001"].section == "编码 > 问题：控制台乱码"


def test_a_steps_number_is_no_part_of_what_its_command_does() -> None:
    found = _commands("# cmd\n\n**解决：**\n\n1）把代码页切到 UTF-8：`chcp 65001`\n"
                      "2）再运行：`python script.py --check`\n")
    assert found["chcp 65001"].description == "把代码页切到 UTF-8"


def test_what_a_notebook_cell_printed_is_no_passage() -> None:
    """`Out[1]:` and the indented lines right after a cell are output: no answer holds them."""
    texts = " ".join(p.text for p in fixture_passages("notebook-export.md"))
    assert "conda environments" not in texts and "Writing to" not in texts


def test_a_step_introduced_by_then_has_the_context_of_the_step_before() -> None:
    """`然后：` over a command says nothing of its own: the paragraph that began the steps
    says what the command is for."""
    ffmpeg = next(p for p in fixture_passages("titled-fence.md")
                  if (p.command or "").startswith("ffmpeg"))
    assert "无损拼成一个" in ffmpeg.context


def test_a_command_typed_at_vims_colon_prompt_is_a_command() -> None:
    """`:g/DEBUG/d`, `:set paste`: what is typed at vim's `:` prompt is run as written; a
    CSS pseudo-class (`:root`) or a port (`:8080`) is not."""
    text = ("# vim\n\n`:g/DEBUG/d` deletes every line containing DEBUG.\n\n"
            "粘贴前先 `:set paste`，粘完 `:set nopaste`。\n\n"
            "CSS 变量写在 `:root` 里，服务监听 `:8080`。\n")
    commands = [p.command for p in parse_text(text, "vim.md").passages if p.kind == "command"]
    assert commands == [":g/DEBUG/d", ":set paste", ":set nopaste"]


def test_an_error_quoted_in_a_sentence_is_no_command() -> None:
    """`npm ERR! ERESOLVE …` starts with a program's name, but it is what npm printed."""
    text = ("装依赖报 `npm ERR! ERESOLVE unable to resolve dependency tree`：npm 7 以后默认严格检查"
            " peerDependencies。临时绕过用 `npm i --legacy-peer-deps`。\n")
    commands = [p.command for p in parse_text(text, "npm.md").passages if p.kind == "command"]
    assert commands == ["npm i --legacy-peer-deps"]


def test_an_introducing_paragraph_over_another_says_what_the_commands_are_for() -> None:
    """`从库报 1062 以后：` and, a paragraph below, `没开 GTID 的：`: both introduce the block."""
    text = ("# 复制\n\n从库报 1062 主键冲突，确认数据无关紧要以后：\n\n没开 GTID 的：\n\n"
            "```sql\nSTOP REPLICA;\nSET GLOBAL sql_replica_skip_counter = 1;\n"
            "START REPLICA;\n```\n")
    passages = parse_text(text, "mysql.md").passages
    assert [p.kind for p in passages] == ["command"] * 3
    assert all("1062" in p.context and "GTID" in p.context for p in passages)


def test_an_outliners_page_says_no_properties_and_no_open_tasks() -> None:
    texts = " ".join(p.text for p in fixture_passages("outline.md"))
    assert "::" not in texts and "buildx" not in texts and "```" not in texts


def test_a_picture_alone_on_its_line_is_its_words_or_nothing() -> None:
    """`![image.png](https://cdn…)` pasted by an editor says nothing; `![部署架构图](…)` says
    what the picture shows."""
    text = ("# 部署\n\n![image.png](https://cdn.nlark.com/yuque/0/a.png#averageHue=%23f7f7f7)\n\n"
            "![部署架构图](./img/arch.png)\n")
    assert [p.text for p in parse_text(text, "d.md").passages] == ["部署架构图"]


@pytest.mark.parametrize("heading", ["# ffmpeg scratchpad", "## strace recipes",
                                     "## 误用 reset --hard 把提交弄丢了", "## Docker 速记"])
def test_a_heading_naming_a_program_is_no_command(heading: str) -> None:
    assert not [p for p in parse_text(f"{heading}\n\n正文。\n", "h.md").passages
                if p.kind == "command"]


def test_commands_set_in_bold_after_arrows_and_over_their_description_are_commands() -> None:
    """`**docker ps -a**：…` (bold for code), `查看磁盘占用 -> docker system df` (an arrow for
    a colon), `1. docker logs -f web` over `   实时跟踪容器日志` (the line under an item says what
    its command does)."""
    text = ("# 常用\n\n**docker ps -a**：查看所有容器\n\n查看磁盘占用 -> docker system df\n\n"
            "1. docker logs -f web\n   实时跟踪容器日志\n\n"
            "2. docker exec -it web bash\n   进入容器\n")
    assert _described(text) == [("docker ps -a", "查看所有容器"),
                                ("docker system df", "查看磁盘占用"),
                                ("docker logs -f web", "实时跟踪容器日志"),
                                ("docker exec -it web bash", "进入容器")]


def test_html_code_tables_without_outer_pipes_and_numbered_lines_are_read() -> None:
    """`<code>…</code>` in a sentence is inline code; a table need not have outer pipes; a
    block pasted with its line numbers is its lines."""
    text = ("# 杂记\n\n用 <code>docker ps -a</code> 查看所有容器。\n\n命令 | 说明\n--- | ---\n"
            "docker images | 列出本地镜像\n\n```bash\n1  docker stop web\n2  docker rm web\n```\n")
    assert _described(text) == [("docker ps -a", "用 docker ps -a 查看所有容器。"),
                                ("docker images", "列出本地镜像"),
                                ("docker stop web", ""), ("docker rm web", "")]


def test_a_short_line_of_words_right_over_a_command_labels_it() -> None:
    """Notes written as label, command, label, command, with no colons."""
    text = "查看所有容器\ndocker ps -a\n删除所有容器\ndocker rm $(docker ps -aq)\n"
    assert _described(text) == [("docker ps -a", "查看所有容器"),
                                ("docker rm $(docker ps -aq)", "删除所有容器")]
