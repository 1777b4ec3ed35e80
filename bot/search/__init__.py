"""The answer engine: matching what members type to knowledge entries (no Discord here).

Public API: ``AnswerEngine.build(knowledge)``, ``engine.answer(text) -> Answer`` and
``engine.lookup(text, limit=25) -> list[Entry]``; ``Outcome`` says which of answer,
suggest and unknown an ``Answer`` is.
"""

from bot.search.engine import Answer, AnswerEngine, Candidate, Outcome

__all__ = ["Answer", "AnswerEngine", "Candidate", "Outcome"]
