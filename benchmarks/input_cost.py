"""Worst-case cost of one input: engine time and memory for hostile text up to Discord's limits.

    python benchmarks/input_cost.py [--sizes 109,10000] [--rounds 20]

A member controls every character of ``/ask`` (up to 1,000 characters) and of ``/topic``
autocomplete (up to 100). Each generator below fills that limit with one kind of hostile
text: one huge word, many random words of the lengths the spelling corrector works
hardest on, near-misses of real vocabulary words (every one a correction), known words,
synonym-phrase words, words of two senses beside the neighbours that decide them ("it safe"),
question marks after every word (many sentences), digits, single letters. For each it
reports the median and worst ``answer()`` and ``lookup()`` time, and the memory a further
round of the same inputs adds once caches are warm (tracemalloc).
Times are the thread's CPU time by default, so other processes on a shared machine do not
inflate them; ``--wall`` gives wall-clock time. The built engine is set aside from full garbage
collections (``bot.library.settle_heap``) as the bot does with every library it serves: without
that, the one full collection a run triggers walked the whole 10,000-entry index inside
whichever input it fell on (42-53 ms, the run's worst "input" in two rounds).
Targets (issue 10, finding 2): <= 20 ms per input, no memory growth.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.search_bench import write_knowledge  # noqa: E402
from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.library import settle_heap  # noqa: E402
from bot.search import AnswerEngine  # noqa: E402
from bot.search.lookup import MAX_LOOKUP_CHARS  # noqa: E402

QUESTION_CHARS = 1000


def fill(word: Callable[[], str], limit: int) -> str:
    """Words from ``word`` joined by spaces, as many as fit in ``limit`` characters."""
    out = ""
    while len(out) < limit:
        out = f"{out} {word()}".strip()
    return out[:limit]


def generators(engine: AnswerEngine, rng: random.Random) -> dict[str, Callable[[], str]]:
    vocab = sorted(engine._parser.speller._words)
    long_vocab = [w for w in vocab if len(w) >= 10] or vocab
    synonyms = sorted(engine._analyzer.synonym_words)

    def letters(n: int) -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(n))

    def misspelt(word: str) -> str:
        i = rng.randrange(1, len(word))
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]

    return {
        "one 1000-letter word": lambda: letters(QUESTION_CHARS),
        "random 24-letter words": lambda: letters(24),
        "random 17-letter words": lambda: letters(17),
        "random 9-letter words": lambda: letters(9),
        "random 5-letter words": lambda: letters(5),
        "misspelt vocabulary": lambda: misspelt(rng.choice(vocab)),
        "two typos in long words": lambda: misspelt(misspelt(rng.choice(long_vocab))),
        "known words": lambda: rng.choice(vocab),
        "known words, each a question": lambda: rng.choice(vocab) + "?",
        "synonym words": lambda: rng.choice(synonyms),
        "sense words beside neighbours": lambda: rng.choice(("it safe", "safe bet", "customer acquisition")),
        "single letters": lambda: rng.choice(string.ascii_lowercase),
        "numbers": lambda: str(rng.randrange(10**6)),
    }


def measure(engine: AnswerEngine, rounds: int, rng: random.Random, clock: Callable[[], float]) -> None:
    print(
        f"   {'input (filled to the limit)':32s} {'answer() ms':>17s} {'lookup() ms':>17s} {'growth KiB':>10s}"
    )
    worst = 0.0
    for name, word in generators(engine, rng).items():
        questions = [fill(word, QUESTION_CHARS) for _ in range(rounds)]
        typed = [q[:MAX_LOOKUP_CHARS] for q in questions]
        ask, complete = timings(engine.answer, questions, clock), timings(engine.lookup, typed, clock)
        growth = memory_growth(engine, questions, typed)
        worst = max(worst, max(ask), max(complete))
        print(
            f"   {name:32s} {statistics.median(ask):7.2f} / {max(ask):6.2f} "
            f"{statistics.median(complete):7.2f} / {max(complete):6.2f} {growth:10.1f}"
        )
    print(f"   worst single input: {worst:.2f} ms (target <= 20 ms)")


def timings(fn: Callable[[str], object], inputs: Sequence[str], clock: Callable[[], float]) -> list[float]:
    """Milliseconds of CPU time of this thread per input: the engine's own work, which is
    what it costs the bot; wall time on a shared machine adds however long other processes
    kept the CPU (``--wall`` reports that instead)."""
    out = []
    for text in inputs:
        start = clock()
        fn(text)
        out.append((clock() - start) * 1000)
    return out


def memory_growth(engine: AnswerEngine, questions: Sequence[str], typed: Sequence[str]) -> float:
    """KiB still allocated after answering the same inputs again (caches are warm by now)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for question, text in zip(questions, typed, strict=True):
        engine.answer(question)
        engine.lookup(text)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="109,10000",
        help="knowledge sizes, built from the shipped entries (109: its first size, kept so rounds compare)",
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of thread CPU time")
    args = parser.parse_args(argv)
    clock = time.perf_counter if args.wall else time.thread_time
    source = load_or_raise(REPO / "knowledge")
    kind = "wall-clock" if args.wall else "thread CPU"
    print(f"python {sys.version.split()[0]}; {args.rounds} inputs per kind; {kind} ms, median / worst")
    for size in (int(s) for s in args.sizes.split(",")):
        if size == len(source.entries):
            knowledge = source
        else:
            with tempfile.TemporaryDirectory() as tmp:
                write_knowledge(source, size, Path(tmp) / "knowledge")
                knowledge = load_or_raise(Path(tmp) / "knowledge")
        engine = AnswerEngine.build(knowledge)
        settle_heap()
        print(f"\n{len(knowledge.entries)} entries:")
        measure(engine, args.rounds, random.Random(args.seed), clock)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
