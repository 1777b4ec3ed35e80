"""Measure the answer engine on a question set: the numbers behind ``kb eval`` and the CI floor.

A question set is a YAML list of ``{q, topic, expect_any}`` (the format of
``../shared/eval/dev_questions.yaml``). An entry is *right* for a question when its title
or answer (lowercased) contains one of the ``expect_any`` strings, or matches one of
them written as ``re:PATTERN``. ``topic: out-of-scope`` with an empty list marks a question
the engine must refuse.

* top-1: the outcome is ``answer`` and the entry is right;
* top-3: the outcome is not ``unknown`` and a right entry is among the first three shown
  (the answer's entry and its runner-ups, or the first three suggestions);
* out-of-scope refusal rate: share of out-of-scope questions answered ``unknown``;
* false-refusal rate: share of in-scope questions answered ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.knowledge.models import Entry
from bot.search.engine import Answer, Outcome

OUT_OF_SCOPE = "out-of-scope"


class EvalFileError(Exception):
    """The question file cannot be read; the message names the file and the item."""


@dataclass(frozen=True, slots=True)
class EvalItem:
    q: str
    topic: str
    expect_any: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return self.topic != OUT_OF_SCOPE

    def is_right(self, entry: Entry | None) -> bool:
        if entry is None:
            return False
        text = f"{entry.title}\n{entry.answer}".lower()
        for expected in self.expect_any:
            if expected.startswith("re:"):
                if re.search(expected[3:], text):
                    return True
            elif expected in text:
                return True
        return False


def load_items(path: Path) -> list[EvalItem]:
    """Read and check a question file; raises ``EvalFileError`` with a readable message."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EvalFileError(f"{path}: cannot read the question file: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise EvalFileError(f"{path}: expected a non-empty YAML list of {{q, topic, expect_any}} items")
    items: list[EvalItem] = []
    for number, raw in enumerate(data, start=1):
        where = f"{path}: item {number}"
        if not isinstance(raw, dict) or not isinstance(raw.get("q"), str) or not raw["q"].strip():
            raise EvalFileError(f"{where}: needs a non-empty text 'q'")
        topic = raw.get("topic", "")
        expect = raw.get("expect_any", [])
        if not isinstance(topic, str) or not isinstance(expect, list) or not all(
                isinstance(e, str) and e for e in expect):
            raise EvalFileError(f"{where}: 'topic' must be text and 'expect_any' a list of texts")
        if topic != OUT_OF_SCOPE and not expect:
            raise EvalFileError(f"{where}: an in-scope question needs at least one 'expect_any' fact")
        for pattern in expect:
            if pattern.startswith("re:"):
                try:
                    re.compile(pattern[3:])
                except re.error as exc:
                    raise EvalFileError(f"{where}: bad regex {pattern!r}: {exc}") from exc
        items.append(EvalItem(raw["q"], topic, tuple(e.lower() if not e.startswith("re:") else e
                                                      for e in expect)))
    return items


def shown(answer: Answer) -> list[Entry]:
    """The entries a member sees, best first: the answer's entry and its runner-ups, or the
    suggestions."""
    if answer.outcome is Outcome.SUGGEST:
        return [entry for entry, _ in answer.suggestions]
    if answer.outcome is Outcome.ANSWER and answer.entry is not None:
        return [answer.entry, *(entry for entry, _ in answer.suggestions)]
    return []


@dataclass(frozen=True, slots=True)
class Result:
    item: EvalItem
    answer: Answer

    @property
    def refused(self) -> bool:
        return self.answer.outcome is Outcome.UNKNOWN

    @property
    def top1(self) -> bool:
        return self.answer.outcome is Outcome.ANSWER and self.item.is_right(self.answer.entry)

    @property
    def top3(self) -> bool:
        return any(self.item.is_right(entry) for entry in shown(self.answer)[:3])

    @property
    def passed(self) -> bool:
        return self.top1 if self.item.in_scope else self.refused


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def in_scope(self) -> list[Result]:
        return [r for r in self.results if r.item.in_scope]

    @property
    def out_of_scope(self) -> list[Result]:
        return [r for r in self.results if not r.item.in_scope]

    @staticmethod
    def _rate(results: Sequence[Result], test: Callable[[Result], bool]) -> float:
        return sum(1 for r in results if test(r)) / len(results) if results else 0.0

    @property
    def top1(self) -> float:
        return self._rate(self.in_scope, lambda r: r.top1)

    @property
    def top3(self) -> float:
        return self._rate(self.in_scope, lambda r: r.top3)

    @property
    def oos_refusal(self) -> float:
        return self._rate(self.out_of_scope, lambda r: r.refused)

    @property
    def false_refusal(self) -> float:
        return self._rate(self.in_scope, lambda r: r.refused)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.passed]


def evaluate(answer: Callable[[str], Answer], items: Sequence[EvalItem]) -> Report:
    return Report([Result(item, answer(item.q)) for item in items])


def _describe(answer: Answer) -> str:
    if answer.outcome is Outcome.UNKNOWN:
        return f"unknown ({answer.confidence:.2f})"
    picks = ", ".join(e.id for e in shown(answer))
    return f"{answer.outcome} {answer.confidence:.2f}: {picks}"


def format_report(report: Report, name: str = "") -> list[str]:
    """The lines ``kb eval`` prints: the four rates, then one line per failure."""
    n_in, n_out = len(report.in_scope), len(report.out_of_scope)
    lines = [
        f"{name}: {n_in} in-scope, {n_out} out-of-scope questions" if name else
        f"{n_in} in-scope, {n_out} out-of-scope questions",
        f"  top-1 accuracy        {report.top1:6.1%}",
        f"  top-3 accuracy        {report.top3:6.1%}",
        f"  out-of-scope refused  {report.oos_refusal:6.1%}",
        f"  in-scope refused      {report.false_refusal:6.1%}",
    ]
    failures = report.failures
    lines.append(f"failures ({len(failures)}):" if failures else "failures: none")
    for r in failures:
        if r.item.in_scope:
            why = "refused" if r.refused else ("right entry among top 3" if r.top3 else "wrong entry")
            lines.append(f"  [{r.item.topic}] {r.item.q!r}\n      -> {_describe(r.answer)} ({why}); "
                         f"expected one of {list(r.item.expect_any)}")
        else:
            lines.append(f"  [out-of-scope] {r.item.q!r}\n      -> {_describe(r.answer)} (should be unknown)")
    return lines
