"""The terminal contract through real processes: ask, ask --json, stdin mode, chat, kb eval."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.knowledge.kbfactory import make_kb

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO / "tests" / "eval" / "questions.yaml"


def run(*args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KNOWLEDGE_DIR", "DISCORD_TOKEN")}
    env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/chat.db"  # chat records its questions there
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        encoding="utf-8",
    )


def test_ask_json_contract() -> None:
    result = run("ask", "--json", "how much does the pmp exam cost?")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"question", "outcome", "confidence", "entry", "suggestions"}
    assert payload["question"] == "how much does the pmp exam cost?"
    assert payload["outcome"] == "answer" and 0 <= payload["confidence"] <= 1
    assert payload["entry"]["id"] == "pmp-fees"
    assert set(payload["entry"]) == {"id", "title", "answer", "links"}
    assert all(link["url"].startswith("https://") for link in payload["entry"]["links"])
    for suggestion in payload["suggestions"]:
        assert set(suggestion) == {"id", "title", "confidence"}


def test_ask_json_small_talk_extends_the_contract() -> None:
    """A greeting is a new outcome with a reply and three examples; the old keys stay."""
    payload = json.loads(run("ask", "--json", "hello!").stdout)
    assert set(payload) == {"question", "outcome", "confidence", "entry", "suggestions", "reply", "examples"}
    assert payload["outcome"] == "small_talk" and payload["entry"] is None and len(payload["examples"]) == 3
    text = run("ask", "who made you?").stdout
    assert "Try asking:" in text and "/topics" in text and "don't know" not in text


def test_ask_text_reads_like_a_reply() -> None:
    result = run("ask", "what is the capm?")
    assert result.returncode == 0, result.stderr
    assert "CAPM" in result.stdout and "Sources:" in result.stdout and "**" not in result.stdout


def test_ask_unknown_is_honest() -> None:
    result = run("ask", "what's the weather in paris")
    assert result.returncode == 0
    assert "don't know" in result.stdout and "Topics:" in result.stdout


def test_stdin_mode_answers_each_line_once() -> None:
    """One JSON object per input line, in order (blank lines included), one knowledge load."""
    lines = ["pmp fees", "", "how do i become a nurse", "\x00\u202e<@1> 🎉", "capm exam how many questions"]
    result = run("ask", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["question"] for o in out] == lines
    assert out[2]["outcome"] == "unknown" and out[2]["entry"] is None
    assert out[4]["entry"]["id"] == "capm-exam-format"


def test_stdin_text_mode_skips_blank_lines() -> None:
    result = run("ask", stdin="\n\npmp fees\n\n")
    assert result.returncode == 0 and result.stdout.count("Sources:") == 1


def test_knowledge_option_selects_another_directory(tmp_path: Path) -> None:
    kb = make_kb(tmp_path / "knowledge")
    result = run("ask", "--json", "--knowledge", str(kb), "pmp cost")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entry"]["id"] == "pmp-fees"


def test_broken_knowledge_is_one_clear_error(tmp_path: Path) -> None:
    result = run("ask", "--knowledge", str(tmp_path / "missing"), "pmp")
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_chat_with_piped_input() -> None:
    script = (
        "\n".join(
            [
                "/help",
                "how much is the pmp exam",
                "1",
                "/topics",
                "1",
                "/open pmp-fees",
                "/open pmp feez",
                "/nonsense",
                "what's the weather",
                "7",
            ]
        )
        + "\n"
    )
    result = run("chat", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "IT PM Coach" in out and "/topics" in out  # the short help on start
    assert "PMP exam cost" in out  # the answer
    assert "Topics:" in out and "The IT PM role" in out  # browsing
    assert "Unknown command /nonsense" in out
    assert "don't know" in out
    assert out.rstrip().endswith("Bye!")


@pytest.mark.parametrize("script", ["", "pmp fees"])  # EOF right away, or after a question without newline
def test_chat_leaves_cleanly_on_eof(script: str) -> None:
    result = run("chat", stdin=script)
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_chat_quit_command() -> None:
    result = run("chat", stdin="/quit\npmp fees\n")
    assert result.returncode == 0 and "PMP exam cost" not in result.stdout


def test_kb_eval_prints_rates_and_failures() -> None:
    result = run("kb", "eval", str(EVAL), timeout=120)
    assert result.returncode == 0, result.stderr
    for label in ("top-1 accuracy", "top-3 accuracy", "out-of-scope refused", "in-scope refused", "failures"):
        assert label in result.stdout


def test_kb_eval_can_keep_measure_failures_out_of_sight(tmp_path: Path) -> None:
    """``--failures tune`` lists no measure-only question; an unknown choice is refused by name."""
    questions = tmp_path / "split.yaml"
    item = "- q: {q}\n  source: https://example.org/{n}\n  expect: [pmp-fees]\n  split: {split}\n"
    questions.write_text(
        item.format(q="zzqx frobnicate", n=1, split="measure") + item.format(q="qqzx", n=2, split="tune")
    )
    result = run("kb", "eval", str(questions), "--failures", "tune")
    assert result.returncode == 0, result.stderr
    assert "qqzx" in result.stdout and "zzqx" not in result.stdout and "1 not listed" in result.stdout
    refused = run("kb", "eval", str(questions), "--failures", "measure'; rm -rf /")
    assert (
        refused.returncode == 2 and "invalid choice" in refused.stderr and "Traceback" not in refused.stderr
    )


def test_kb_eval_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- q: 'no facts'\n  topic: role\n  expect_any: []\n")
    result = run("kb", "eval", str(bad))
    assert result.returncode == 2 and "expect_any" in result.stderr
