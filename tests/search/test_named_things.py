"""Named things (credentials and methods the answers write as acronyms) tell entries apart:
an entry that never mentions the one the member named is not their answer, however much
else of the question it shares."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.knowledge.models import Entry, Knowledge, Link
from bot.search import AnswerEngine, Outcome
from bot.search import engine as engine_module


def _entry(entry_id: str, title: str, questions: tuple[str, ...], answer: str) -> Entry:
    return Entry(
        id=entry_id,
        title=title,
        area="certifications",
        questions=questions,
        answer=answer,
        links=(Link("Issuer", "https://example.org"),),
        reviewed=date(2026, 1, 1),
    )


ENTRIES = (
    _entry(
        "entry-badge",
        "The QRX entry badge",
        ("how long is the qrx badge valid", "when does my qrx expire", "how do i renew the qrx badge"),
        "The **QRX** badge stays valid for three years, as long as you log 15 learning hours.",
    ),
    _entry(
        "specialist-badges",
        "Specialist badges after the QRX",
        (
            "which specialist badges exist",
            "what comes after the entry badge",
            "how long do specialist badges last",
        ),
        "The guild offers the **ZVT** for analysts and the **MKW** for risk specialists; each asks "
        "for two years of work in its field and stays valid while you log 30 learning hours.",
    ),
    _entry(
        "exam-day",
        "Exam day",
        ("what do i bring on exam day", "what time should i arrive"),
        "Bring an ID; the exam lasts two hours.",
    ),
    _entry(
        "study-groups",
        "Study groups",
        ("where can i find a study group", "are study groups worth it"),
        "Local chapters run study groups every spring.",
    ),
)


def _engine() -> AnswerEngine:
    entries = {e.id: e for e in ENTRIES}
    knowledge = Knowledge({}, entries, {}, {}, (), "test", datetime(2026, 1, 1, tzinfo=UTC))
    return AnswerEngine.build(knowledge)


def test_an_entry_that_never_names_the_asked_credential_ranks_below_one_that_does() -> None:
    """Without the rule the entry badge wins on "how long ... valid" although the member asked
    about another credential, one that only the specialist entry names."""
    _, candidates = _engine().rank("How long is the ZVT valid for?")
    assert candidates[0].entry.id == "specialist-badges"


def test_the_rule_leaves_entries_that_name_every_asked_credential_alone(monkeypatch) -> None:
    engine = _engine()
    _, candidates = engine.rank("How long is the QRX valid for?")
    monkeypatch.setattr(engine_module, "JARGON_MISS", 1.0)
    _, unchanged = engine.rank("How long is the QRX valid for?")
    assert candidates[0].entry.id == unchanged[0].entry.id == "entry-badge"
    assert candidates[0].score == unchanged[0].score


def test_a_credential_no_entry_knows_is_offered_a_menu_not_answered(engine: AnswerEngine) -> None:
    """ "PPM" is written as a name and no entry has it: what the question's other words match
    (the CAPM) is a guess, so the member gets a menu, not a confident answer. A message typed
    in capitals is not a list of names."""
    named = engine.answer("should I get the PPM certification after my CAPM?")
    assert named.outcome is Outcome.SUGGEST
    assert engine._parser.parse("should I get the PPM certification after my CAPM?").unknown_acronym
    assert engine.answer("should I get the certification after my CAPM?").outcome is Outcome.ANSWER
    shouted = engine.answer("HOW DO I GET MY PMP")
    assert shouted.outcome is Outcome.ANSWER
