"""The ``policybot`` console script: the CLI contract other issues and CI rely on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import REPO, policybot_command, run_cli

from bot import wiring
from bot.cli.main import cli, help_markdown, main
from knowledge.errors import PolicyBotError

pytestmark = pytest.mark.slow

POLICYBOT = str(Path(sys.executable).with_name("policybot"))


def run(args: list[str], data_dir: Path, stdin: str | None = None,
        knowledge: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(data_dir))
    if knowledge is not None:
        env["POLICYBOT_KNOWLEDGE_DIR"] = str(knowledge)
    return subprocess.run([POLICYBOT, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=300, check=False)


def test_ask_json_contract(built_data_dir: Path) -> None:
    proc = run(["ask", "国家级科技企业孵化器奖励多少", "--json", "--top-k", "3"], built_data_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["matched"] is True
    assert 1 <= len(result["hits"]) <= 3
    assert {"doc_number", "title", "clause_path", "text", "score", "in_force"} <= set(
        result["hits"][0])
    assert result["estimate"] is not None or "estimate" in result


def test_ask_as_of_controls_validity(built_data_dir: Path) -> None:
    question = "技术转移服务机构按合同成交额3%补助"
    early = json.loads(run(["ask", question, "--json", "--as-of", "2020-01-01"],
                           built_data_dir).stdout)
    late = json.loads(run(["ask", question, "--json", "--as-of", "2026-01-01"],
                          built_data_dir).stdout)
    assert early["hits"][0]["doc_number"] == "威科字〔2018〕58号"
    assert early["hits"][0]["in_force"] is True
    assert late["hits"][0]["in_force"] is False


def test_ask_plain_text_prints_answer(built_data_dir: Path) -> None:
    proc = run(["ask", "星创天地有什么支持"], built_data_dir)
    assert proc.returncode == 0
    assert "星创天地" in proc.stdout
    assert "条款" in proc.stdout


def test_jsonl_one_object_per_line_in_order(built_data_dir: Path) -> None:
    lines = ["孵化器奖励", "", "😀", "\x01\x02", "<b>技术创新中心</b>", "签证怎么办", "x" * 10_000]
    proc = run(["ask", "--jsonl"], built_data_dir, stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert len(out) == len(lines)
    objects = [json.loads(line) for line in out]
    assert [o["question"] for o in objects] == lines
    assert objects[0]["matched"] is True
    assert objects[5]["matched"] is False


def test_missing_index_is_built_on_first_use(tmp_path: Path) -> None:
    proc = run(["ask", "大学科技园", "--json"], tmp_path / "fresh")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["matched"] is True
    assert (tmp_path / "fresh" / "index").is_dir()
    assert (tmp_path / "fresh" / "jieba.cache").is_file()  # not in /tmp


def test_index_build_is_incremental(tmp_path: Path, knowledge_dir: Path) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = tmp_path / "data"
    first = run(["index", "build"], data, knowledge=kdir)
    assert first.returncode == 0, first.stderr
    assert "复用 0 个" in first.stdout
    second = run(["index", "build"], data, knowledge=kdir)
    assert "索引已是最新" in second.stdout, "a current index is not rebuilt"
    forced = run(["index", "build", "--force"], data, knowledge=kdir)
    assert "新嵌入 0 个" in forced.stdout


def test_rules_json_lists_facts(built_data_dir: Path) -> None:
    proc = run(["rules", "--json"], built_data_dir)
    rules = json.loads(proc.stdout)["rules"]
    assert len(rules) >= 40
    assert all(r["facts"] is not None and r["citations"] for r in rules)


def test_estimate_profile_overview(built_data_dir: Path, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"applicant_types": ["enterprise"],
                                 "platform_titles": ["tech_centre_city_pilot"]}),
                     encoding="utf-8")
    proc = run(["estimate", "--facts", str(facts), "--as-of", "2024-06-01", "--json"],
               built_data_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["total_yuan"] == 2_000_000
    outcomes = {i["outcome"] for i in result["items"]}
    assert {"eligible", "need_info"} <= outcomes
    text = run(["estimate", "--facts", str(facts), "--as-of", "2024-06-01"], built_data_dir)
    assert "符合条件" in text.stdout and "200万元" in text.stdout


def test_estimate_profile_with_several_years(built_data_dir: Path, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({
        "applicant_types": ["enterprise"],
        "years": {"2019": {"registered_tech_purchase_yuan": 3_000_000},
                  "2020": {"registered_tech_purchase_yuan": 2_000_000}}}), encoding="utf-8")
    proc = run(["estimate", "--facts", str(facts), "--as-of", "2020-12-31", "--json"],
               built_data_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["total_yuan"] == 900_000  # 50万 (capped per year) + 40万
    labels = [i["label"] for i in result["items"] if i["outcome"] == "eligible"]
    assert any(x.startswith("2019年：") for x in labels)
    assert any(x.startswith("2020年：") for x in labels)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("not json", "无法读取事实文件"), ("[1, 2]", "JSON 对象"),
     ('{"registered_tech_purchase_yuan": -5}', "registered_tech_purchase_yuan"),
     ('{"years": {"last": {}}}', "年份")],
    ids=["not-json", "not-object", "negative", "bad-years"],
)
def test_estimate_bad_facts_are_refused(built_data_dir: Path, tmp_path: Path, content: str,
                                        fragment: str) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(content, encoding="utf-8")
    proc = run(["estimate", "--facts", str(facts)], built_data_dir)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert fragment in proc.stderr


def test_broken_knowledge_names_file_and_line(tmp_path: Path, knowledge_dir: Path) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    policy = next((kdir / "policies").glob("*107*.md"))
    text = policy.read_text(encoding="utf-8").replace("issued: 2018-11-27", "issued: 2018-13-45")
    policy.write_text(text, encoding="utf-8")
    proc = run(["ask", "孵化器"], tmp_path / "data", knowledge=kdir)
    assert proc.returncode == 2
    assert f"{policy.name}:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("index", "ask", "rules", "estimate", "chat", "serve", "kb"):
        assert command in out
    assert cli.name == "policybot"
    assert main(["kb", "check", "-h"]) == 0
    assert "--update-known-failures" in capsys.readouterr().out


def test_help_reference_is_current() -> None:
    """docs/help.md is generated from --help; regenerate with scripts/gen_help.py."""
    doc = Path(__file__).resolve().parents[3] / "docs" / "help.md"
    assert doc.read_text(encoding="utf-8") == help_markdown()


def test_help_reference_ignores_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    narrow = help_markdown()
    monkeypatch.setenv("COLUMNS", "250")
    assert help_markdown() == narrow


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [(["ask", "--as-of", "2020/01/01", "孵化器"], "YYYY-MM-DD"),
     (["bogus"], "bogus"),
     (["kb", "check", "--no-such-option"], "--no-such-option"),
     (["estimate"], "--facts")],
    ids=["bad-date", "unknown-command", "unknown-option", "missing-required"],
)
def test_usage_errors_exit_2(argv: list[str], fragment: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(argv, capsys)
    assert code == 2
    assert fragment in err and "Traceback" not in err


def test_ask_without_question_says_how(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="--jsonl"):
        main(["ask"])


def test_unexpected_error_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(options: object) -> object:
        raise OSError("disk full")

    monkeypatch.setattr("bot.wiring.make_engine", boom)
    monkeypatch.delenv("POLICYBOT_DEBUG", raising=False)
    assert main(["rules"]) == 1
    err = capsys.readouterr().err
    assert "disk full" in err and "内部错误" in err and "Traceback" not in err
    monkeypatch.setenv("POLICYBOT_DEBUG", "1")
    with pytest.raises(OSError, match="disk full"):
        main(["rules"])


def test_policybot_error_is_one_line_exit_2(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(options: object) -> object:
        raise PolicyBotError("知识库有误")

    monkeypatch.setattr("bot.wiring.make_engine", refuse)
    assert run_cli(["rules"], capsys)[1:] == ("", "policybot: 知识库有误\n")
    assert main(["rules"]) == 2


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(options: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("bot.wiring.make_engine", interrupted)
    assert main(["rules"]) == 130


# -- global options before and after the subcommand ----------------------------------------
GLOBALS = "{globals}"
COMMANDS = {
    "ask": ["ask", "孵化器有什么奖励"],
    "rules": ["rules"],
    "index-build": ["index", "build"],
    "kb-check": ["kb", "check", "--no-cases"],
}
PLACEMENTS: dict[str, Callable[[list[str]], list[str]]] = {
    "before": lambda cmd: [GLOBALS, *cmd],
    "after": lambda cmd: [*cmd, GLOBALS],
    "between": lambda cmd: [cmd[0], GLOBALS, *cmd[1:]],
}


def _cases() -> list[object]:
    cases: list[object] = []
    for name, cmd in COMMANDS.items():
        for where, place in PLACEMENTS.items():
            if where == "between" and name not in ("index-build", "kb-check"):
                continue  # only a group has a "between"
            cases.append(pytest.param(place(cmd), id=f"{name}-{where}"))
    return cases


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Path, str | None]]:
    """(knowledge, data dir, embedder) each command resolved; the command then stops."""
    record: list[tuple[Path, Path, str | None]] = []
    monkeypatch.setattr("index.tokenize._cache_dir", None)  # data_dir() points jieba there

    def fake_make_engine(options: object) -> object:
        record.append((wiring.knowledge_dir(options), wiring.data_dir(options),
                       wiring.embedder_spec(options)))
        raise PolicyBotError("stopped")

    def fake_audit(knowledge: Path, data: Path, embedder: str | None, **_: object) -> object:
        record.append((knowledge, data, embedder))
        raise PolicyBotError("stopped")

    monkeypatch.setattr("bot.wiring.make_engine", fake_make_engine)
    monkeypatch.setattr("bot.staff.check.audit", fake_audit)
    return record


def _expand(argv: list[str], flags: list[str]) -> list[str]:
    out: list[str] = []
    for arg in argv:
        out += flags if arg == GLOBALS else [arg]
    return out


@pytest.mark.parametrize("argv", _cases())
def test_global_options_anywhere(argv: list[str], seen: list[tuple[Path, Path, str | None]],
                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kdir, ddir = tmp_path / "kn", tmp_path / "dd"
    flags = ["--knowledge", str(kdir), "--data-dir", str(ddir), "--embedder", "st:some-model"]
    code, _, err = run_cli(_expand(argv, flags), capsys)
    assert (code, err) == (2, "policybot: stopped\n")
    assert seen == [(kdir.resolve(), ddir, "st:some-model")]


@pytest.mark.parametrize("command", list(COMMANDS), ids=list(COMMANDS))
def test_global_option_nearest_the_command_wins(
    command: str, seen: list[tuple[Path, Path, str | None]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--knowledge", str(tmp_path / "outer"), "--data-dir", str(tmp_path / "d"),
            *COMMANDS[command], "--knowledge", str(tmp_path / "inner")]
    assert run_cli(argv, capsys)[0] == 2
    assert seen == [((tmp_path / "inner").resolve(), tmp_path / "d", None)]


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_kb_check_reads_the_knowledge_flag(before: bool, tmp_path: Path, knowledge_dir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The real command (no fakes): a broken copy is what gets checked, wherever the flag is."""
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    policy = next((kdir / "policies").glob("*107*.md"))
    text = policy.read_text(encoding="utf-8").replace("issued: 2018-11-27", "issued: 2018-13-45")
    policy.write_text(text, encoding="utf-8")
    flag = ["--knowledge", str(kdir)]
    argv = [*flag, "kb", "check", "--no-cases"] if before else ["kb", "check", "--no-cases", *flag]
    code, out, _ = run_cli(argv, capsys)
    assert code == 1
    assert policy.name in out


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_ask_reads_the_data_dir_flag(before: bool, built_data_dir: Path, tmp_path: Path) -> None:
    """The console script with ``--data-dir`` on either side uses that index (none is built
    in ``$POLICYBOT_DATA_DIR``), and keeps jieba's cache there rather than in /tmp."""
    unused = tmp_path / "unused"
    flag = ["--data-dir", str(built_data_dir)]
    argv = [*flag, "ask", "星创天地有什么支持"] if before else ["ask", "星创天地有什么支持", *flag]
    proc = run(argv, unused)
    assert proc.returncode == 0, proc.stderr
    assert "星创天地" in proc.stdout
    assert not unused.exists()


# -- start-up ------------------------------------------------------------------------------
# ``bot.conversation.summary`` and the presenter (pure: what a reply shows first) serve
# ``ask`` too; the conversation's state machine and store do not.  The settings module
# (bot.config) serves every command: it loads python-dotenv only to read a ``.env``.
SERVING_ONLY = ("telegram", "aiohttp", "redis", "watchfiles", "dotenv", "httpx",
                "bot.telegram", "bot.staff", "bot.conversation.core",
                "bot.conversation.interview", "bot.conversation.store")

PROBE = """
import json, sys
from bot.cli.main import main
code = main(sys.argv[1:])
heavy = [m for m in json.loads(sys.stdin.read()) if m in sys.modules]
print()
print("PROBE " + json.dumps({"code": code, "heavy": heavy}))
"""


def _probe(argv: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], input=json.dumps(SERVING_ONLY),
                          capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.rstrip("\n").rsplit("\n", 1)[-1]
    assert line.startswith("PROBE "), proc.stdout
    result: dict[str, object] = json.loads(line[len("PROBE "):])
    return result


def test_importing_the_cli_loads_no_command_modules() -> None:
    assert _probe(["--help"]) == {"code": 0, "heavy": []}
    code = "import sys, bot.cli.main; print(sorted(m for m in sys.modules if m in {}))"
    proc = subprocess.run([sys.executable, "-c", code.format(
        ("numpy", "jinja2", "faiss", "bm25s", "jieba", "yaml", "index.answering.engine"))],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


def test_ask_does_not_import_the_serving_stack(built_data_dir: Path) -> None:
    """``policybot ask`` loads the engine and the templates, not Telegram, aiohttp, redis,
    watchfiles or the staff tools (check by hand: ``python -X importtime -m bot.cli ask …``)."""
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(built_data_dir))
    assert _probe(["ask", "孵化器有什么奖励"], env) == {"code": 0, "heavy": []}


def test_blas_threads_default_to_one_but_can_be_overridden() -> None:
    code = ("import os, bot.cli; print(os.environ['OMP_NUM_THREADS'], "
            "os.environ['OPENBLAS_NUM_THREADS'], os.environ['MKL_NUM_THREADS'])")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env=env, timeout=60, check=True).stdout
    assert out.split() == ["1", "1", "1"]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env={**env, "OMP_NUM_THREADS": "4"}, timeout=60,
                         check=True).stdout
    assert out.split() == ["4", "1", "1"]


def test_python_dash_m_and_console_script_agree() -> None:
    direct = subprocess.run([sys.executable, "-m", "bot.cli", "--help"], capture_output=True,
                            text=True, cwd=REPO, timeout=60, check=False)
    script = subprocess.run([*policybot_command(), "--help"], capture_output=True, text=True,
                            cwd=REPO, timeout=60, check=False)
    assert direct.returncode == script.returncode == 0
    assert direct.stdout == script.stdout and "用法：policybot" in direct.stdout


def test_jsonl_survives_invalid_utf8_under_a_strict_locale(built_data_dir: Path) -> None:
    """One invalid byte (zh_CN.UTF-8 makes Python's stdio strict) costs that line only:
    every line is answered, and every output line is valid UTF-8 JSON."""
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(built_data_dir),
               PYTHONIOENCODING="utf-8:strict")
    data = "孵化器有什么奖励\n".encode() + b"\xff\xfe\xc3 bad bytes\n" + "买技术能补多少\n".encode()
    proc = subprocess.run([*policybot_command(), "ask", "--jsonl"], input=data,
                          capture_output=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.split(b"\n")[:-1]
    assert len(lines) == 3
    answers = [json.loads(line.decode("utf-8")) for line in lines]
    assert answers[0]["matched"] and answers[2]["matched"]
    assert "\ufffd" in answers[1]["question"] and "bad bytes" in answers[1]["question"]
