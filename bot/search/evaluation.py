"""Measure the answer engine on a question set: the numbers behind ``kb eval`` and the CI floor.

Two formats, told apart item by item:

* ``{q, topic, expect_any}`` (``../shared/eval/dev_questions.yaml``, ``tests/eval/questions.yaml``):
  an entry is *right* when its title or answer (lowercased) contains one of the
  ``expect_any`` strings, or matches one written as ``re:PATTERN``; ``topic: out-of-scope``
  with an empty list marks a question the engine must refuse.
* ``{q, source, expect, gap, off_topic, split}`` (``tests/eval/real_questions.yaml``):
  ``expect`` lists every entry id that answers the question; ``gap: true`` marks an
  on-topic question no entry answers; ``off_topic: true`` one the coach must decline;
  ``split`` is ``tune`` or ``measure``.

A question of 40 words or more is *long* (a forum post: story, then the question).

* top-1: the outcome is ``answer`` and the entry is right;
* top-3: the outcome is not a refusal and a right entry is among the first three shown
  (the answer's entry and its runner-ups, or the first three suggestions);
* off-topic refused: share of off-topic questions answered ``unknown`` (or small talk);
* answerable refused (false refusals): share of answerable questions refused;
* gap honest: share of gap questions not answered with an entry (``unknown`` or a menu).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.models import Entry
from bot.search.engine import Answer, Outcome

OUT_OF_SCOPE = "out-of-scope"
LONG_WORDS = 40
_REFUSALS = (Outcome.UNKNOWN, Outcome.SMALL_TALK)


class EvalFileError(Exception):
    """The question file cannot be read; the message names the file and the item."""


@dataclass(frozen=True, slots=True)
class EvalItem:
    q: str
    topic: str
    expect_any: tuple[str, ...] = ()
    expect_ids: tuple[str, ...] = ()
    gap: bool = False
    split: str = ""

    @property
    def off_topic(self) -> bool:
        return self.topic == OUT_OF_SCOPE

    @property
    def in_scope(self) -> bool:
        """Answerable: some entry is right for it (neither off-topic nor a gap)."""
        return not self.off_topic and not self.gap

    @property
    def kind(self) -> str:
        return "long" if len(self.q.split()) >= LONG_WORDS else "short"

    def is_right(self, entry: Entry | None) -> bool:
        if entry is None or not self.in_scope:
            return False
        if self.expect_ids:
            return entry.id in self.expect_ids
        text = f"{entry.title}\n{entry.answer}".lower()
        for expected in self.expect_any:
            if expected.startswith("re:"):
                if re.search(expected[3:], text):
                    return True
            elif expected in text:
                return True
        return False


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(e, str) and e for e in value)


def _item(raw: object, where: str) -> EvalItem:
    if not isinstance(raw, dict) or not isinstance(raw.get("q"), str) or not raw["q"].strip():
        raise EvalFileError(f"{where}: needs a non-empty text 'q'")
    if "expect" in raw or "gap" in raw or "off_topic" in raw:
        expect, gap, off = raw.get("expect", []), raw.get("gap", False), raw.get("off_topic", False)
        split = raw.get("split", "")
        if (
            not _texts(expect)
            or not isinstance(gap, bool)
            or not isinstance(off, bool)
            or not isinstance(split, str)
        ):
            raise EvalFileError(
                f"{where}: 'expect' must be a list of entry ids, 'gap' and 'off_topic' true or false"
            )
        if (bool(expect) + gap + off) != 1:
            raise EvalFileError(
                f"{where}: give exactly one of 'expect' (entry ids), 'gap: true', 'off_topic: true'"
            )
        topic = OUT_OF_SCOPE if off else str(raw.get("topic", ""))
        return EvalItem(raw["q"], topic, expect_ids=tuple(expect), gap=gap, split=split)
    topic, expect = raw.get("topic", ""), raw.get("expect_any", [])
    if not isinstance(topic, str) or not isinstance(expect, list) or not _texts(expect):
        raise EvalFileError(f"{where}: 'topic' must be text and 'expect_any' a list of texts")
    if topic != OUT_OF_SCOPE and not expect:
        raise EvalFileError(f"{where}: an in-scope question needs at least one 'expect_any' fact")
    for pattern in expect:
        if pattern.startswith("re:"):
            try:
                re.compile(pattern[3:])
            except re.error as exc:
                raise EvalFileError(f"{where}: bad regex {pattern!r}: {exc}") from exc
    return EvalItem(raw["q"], topic, tuple(e.lower() if not e.startswith("re:") else e for e in expect))


def load_items(path: Path) -> list[EvalItem]:
    """Read and check a question file; raises ``EvalFileError`` with a readable message."""
    import yaml  # the bot's process imports this module (``kb eval`` is one of its commands), not PyYAML

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EvalFileError(f"{path}: cannot read the question file: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise EvalFileError(f"{path}: expected a non-empty YAML list of {{q, topic, expect_any}} items")
    return [_item(raw, f"{path}: item {number}") for number, raw in enumerate(data, start=1)]


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
        return self.answer.outcome in _REFUSALS

    @property
    def top1(self) -> bool:
        return self.answer.outcome is Outcome.ANSWER and self.item.is_right(self.answer.entry)

    @property
    def top3(self) -> bool:
        return any(self.item.is_right(entry) for entry in shown(self.answer)[:3])

    @property
    def honest(self) -> bool:
        """Not a confident entry: "I don't know", a menu or small talk."""
        return self.answer.outcome is not Outcome.ANSWER

    @property
    def passed(self) -> bool:
        if self.item.in_scope:
            return self.top1
        return self.refused if self.item.off_topic else self.honest


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def in_scope(self) -> list[Result]:
        return [r for r in self.results if r.item.in_scope]

    @property
    def out_of_scope(self) -> list[Result]:
        return [r for r in self.results if r.item.off_topic]

    @property
    def gaps(self) -> list[Result]:
        return [r for r in self.results if r.item.gap]

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
    def gap_honesty(self) -> float:
        return self._rate(self.gaps, lambda r: r.honest)

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    def subset(self, split: str = "", kind: str = "") -> Report:
        """The results of one split (tune, measure) and/or one kind (short, long)."""
        return Report(
            [
                r
                for r in self.results
                if (not split or r.item.split == split) and (not kind or r.item.kind == kind)
            ]
        )


def evaluate(answer: Callable[[str], Answer], items: Sequence[EvalItem]) -> Report:
    return Report([Result(item, answer(item.q)) for item in items])


def _describe(answer: Answer) -> str:
    if answer.outcome in _REFUSALS:
        return f"{answer.outcome} ({answer.confidence:.2f})"
    picks = ", ".join(e.id for e in shown(answer))
    return f"{answer.outcome} {answer.confidence:.2f}: {picks}"


def _table(report: Report) -> list[str]:
    """One row per split and kind present: the same figures docs/benchmarks.md reports."""
    splits = sorted({r.item.split for r in report.results if r.item.split}, reverse=True)  # tune, measure
    groups: list[tuple[str, Report]] = []
    for split in ["", *splits]:
        groups.append((split or "all", report.subset(split)))
        groups += [(f"{split or 'all'} {kind}", report.subset(split, kind)) for kind in ("short", "long")]
    lines = [
        f"  {'':14s} {'answerable':>10s} {'top-1':>6s} {'top-3':>6s} {'refused':>7s}"
        f" {'off-topic':>9s} {'declined':>8s} {'gaps':>5s} {'honest':>6s}"
    ]
    for name, part in groups:
        if not part.results:
            continue
        lines.append(
            f"  {name:14s} {len(part.in_scope):10d} {part.top1:6.1%} {part.top3:6.1%} {part.false_refusal:7.1%}"
            f" {len(part.out_of_scope):9d} {part.oos_refusal:8.1%} {len(part.gaps):5d} {part.gap_honesty:6.1%}"
        )
    return lines


#: Which failures ``kb eval --failures`` lists: every one, those outside the measure-only split, none.
FAILURE_LISTINGS = ("all", "tune", "none")


def format_report(report: Report, name: str = "", failures_shown: str = "all") -> list[str]:
    """The lines ``kb eval`` prints: the rates, a table per split and kind, then one line per failure
    (``failures_shown="tune"`` keeps the measure-only split's questions out of sight while tuning)."""
    n_in, n_out, n_gap = len(report.in_scope), len(report.out_of_scope), len(report.gaps)
    counts = f"{n_in} in-scope, {n_out} out-of-scope" + (f", {n_gap} gap" if n_gap else "") + " questions"
    lines = [
        f"{name}: {counts}" if name else counts,
        f"  top-1 accuracy        {report.top1:6.1%}",
        f"  top-3 accuracy        {report.top3:6.1%}",
        f"  out-of-scope refused  {report.oos_refusal:6.1%}",
        f"  in-scope refused      {report.false_refusal:6.1%}",
    ]
    if n_gap:
        lines.append(f"  gaps answered honestly {report.gap_honesty:5.1%}")
    lines += ["", *_table(report), ""]
    failures = report.failures
    lines.append(f"failures ({len(failures)}):" if failures else "failures: none")
    shown = [
        r
        for r in failures
        if failures_shown == "all" or (failures_shown == "tune" and r.item.split != "measure")
    ]
    if len(shown) < len(failures):
        lines.append(f"  ({len(failures) - len(shown)} not listed: --failures {failures_shown})")
    for r in shown:
        label = f"[{r.item.split} {r.item.kind}] " if r.item.split else ""
        if r.item.in_scope:
            why = "refused" if r.refused else ("right entry among top 3" if r.top3 else "wrong entry")
            expected = list(r.item.expect_ids or r.item.expect_any)
            lines.append(
                f"  {label}[{r.item.topic or 'answerable'}] {r.item.q[:300]!r}\n      -> "
                f"{_describe(r.answer)} ({why}); expected one of {expected}"
            )
        elif r.item.gap:
            lines.append(
                f"  {label}[gap: {r.item.topic}] {r.item.q[:300]!r}\n      -> {_describe(r.answer)} "
                "(should be unknown or a menu)"
            )
        else:
            lines.append(
                f"  {label}[out-of-scope] {r.item.q[:300]!r}\n      -> {_describe(r.answer)} "
                "(should be unknown)"
            )
    return lines
