"""Answer-engine benchmark: index build time, query latency, memory, and plain BM25 peers.

    python benchmarks/search_bench.py [--sizes 100,1000,10000] [--queries 400] [--knowledge DIR]

For each size it writes a knowledge base in the real on-disk format to a temporary
folder (entries derived from the shipped ones: same lengths and wording, a made-up
project name per entry so every id, alias and question stays unique, as the validator
demands), loads it with the real loader, and measures:

* ``load``: the loader (YAML parsing and validation) and ``build``: ``AnswerEngine.build``;
* peak memory of the build (tracemalloc, a separate run so it does not slow the timings);
* p50/p95/p99 of ``answer()`` on member-like questions (a shipped entry's question with a
  typo, a filler phrase or a dropped word; half of them name the made-up project) and of
  ``lookup()`` on what people type into autocomplete (prefixes of titles, ids and
  aliases, some misspelt);
* top-1 accuracy: a right entry ranked first (the named project's entry, or for questions
  that name none, any entry made from the same shipped topic);
* the same questions through rank_bm25 (BM25Okapi) and bm25s over the same entry text
  (title, aliases, questions and answer), timed per query including tokenisation.

It also scores the shipped knowledge on the evaluation sets (tests/eval/questions.yaml and
../shared/eval/dev_questions.yaml): a right entry first, for the engine and both peers.
The peers come from the optional ``bench`` extra (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.knowledge.models import Entry, Knowledge  # noqa: E402
from bot.search import AnswerEngine, kernels  # noqa: E402
from bot.search.evaluation import EvalItem, load_items  # noqa: E402
from bot.search.lexicon import STOPWORDS  # noqa: E402

EVAL_FILES = (REPO / "tests/eval/questions.yaml", REPO.parent / "shared/eval/dev_questions.yaml")
_SYLLABLES = ("ka", "lo", "mi", "ren", "tas", "vo", "zu", "pel", "dor", "qui", "bra", "nex", "sol", "tir")
_FILLER = ("hey all, quick one: ", "sorry if this is dumb but ", "", "", "")
_TOKEN = re.compile(r"[a-z0-9]+")
#: What query latencies are measured with (``--cpu``: the thread's CPU time).
CLOCK: Callable[[], float] = time.perf_counter


# -- generating knowledge ---------------------------------------------------------------------


def codename(i: int) -> str:
    """A pronounceable made-up word, unique per i (so 'project Kalomi' names one entry)."""
    parts = []
    i += 1
    while i:
        i, r = divmod(i, len(_SYLLABLES))
        parts.append(_SYLLABLES[r])
    return "".join(parts)


def write_knowledge(source: Knowledge, size: int, root: Path) -> list[tuple[Entry, str]]:
    """Write ``size`` entries derived from ``source`` under ``root``; returns (seed, codename)."""
    areas = list(source.areas.values())
    (root / "entries").mkdir(parents=True)
    (root / "areas.yaml").write_text(
        yaml.safe_dump(
            {"areas": [{"id": a.id, "title": a.title, "description": a.description} for a in areas]}
        )
    )
    (root / "synonyms.yaml").write_text(yaml.safe_dump({"groups": [list(g) for g in source.synonyms]}))
    seeds = list(source.entries.values())
    made: list[tuple[Entry, str]] = []
    for i in range(size):
        seed, name = seeds[i % len(seeds)], codename(i)
        entry_id = f"{seed.id}-{name}"
        data = {
            "id": entry_id,
            "title": f"{seed.title} (project {name})"[:256],
            "area": seed.area,
            # the seed's text is clipped, never the name, so copies of a long alias stay apart
            "aliases": [f"{a[: 49 - len(name)].rstrip()} {name}" for a in seed.aliases],
            "questions": [f"{q.rstrip('?')[: 287 - len(name)]} for project {name}" for q in seed.questions],
            "answer": f"For project {name.title()}: {seed.answer}"[:4000],
            "links": [{"title": link.title, "url": link.url} for link in seed.links],
            "reviewed": seed.reviewed.isoformat(),
        }
        folder = root / "entries" / seed.area
        folder.mkdir(exist_ok=True)
        (folder / f"{entry_id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        made.append((seed, name))
    first = f"{made[0][0].id}-{made[0][1]}"
    (root / "milestones.yaml").write_text(
        yaml.safe_dump(
            {
                "milestones": [
                    {
                        "id": "read",
                        "title": "Read",
                        "description": "Read an entry.",
                        "steps": ["Read it"],
                        "learn": [first],
                    }
                ],
                "tracks": [
                    {"id": "all", "title": "All", "description": "Everything.", "milestones": ["read"]}
                ],
            }
        )
    )
    return made


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def member_question(question: str, name: str | None, rng: random.Random) -> str:
    """An entry's question the way a member might type it: filler, a typo or a dropped word,
    and the project's name when ``name`` is given."""
    words = question.split()
    style = rng.randrange(3)
    if style == 0:
        j = max(range(len(words)), key=lambda k: len(words[k]))
        words[j] = typo(words[j], rng)
    elif style == 1 and len(words) > 4:
        del words[rng.randrange(len(words) - 1)]
    text = " ".join(words)
    if name is not None:
        text += f" for project {name}"
    return rng.choice(_FILLER) + text


def autocomplete_inputs(entries: Sequence[Entry], count: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(count):
        entry = rng.choice(entries)
        name = rng.choice([entry.title, entry.id, *entry.aliases])
        cut = name[: rng.randint(2, min(len(name), 18))]
        out.append(typo(cut, rng) if rng.random() < 0.2 else cut)
    return out


# -- peers ------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


def entry_text(entry: Entry) -> str:
    return " ".join((entry.title, *entry.aliases, *entry.questions, entry.answer))


class RankBM25Peer:
    name = "rank_bm25"

    def __init__(self, entries: Sequence[Entry]) -> None:
        from rank_bm25 import BM25Okapi

        self.index = BM25Okapi([tokens(entry_text(e)) for e in entries])

    def top(self, question: str) -> int:
        scores = self.index.get_scores(tokens(question))
        return int(scores.argmax())


class BM25sPeer:
    name = "bm25s"

    def __init__(self, entries: Sequence[Entry]) -> None:
        import bm25s

        self.index = bm25s.BM25()
        self.index.index([tokens(entry_text(e)) for e in entries], show_progress=False)

    def top(self, question: str) -> int:
        found = self.index.retrieve([tokens(question) or ["?"]], k=1, show_progress=False)
        return int(found.documents[0][0])


def load_peers(entries: Sequence[Entry]) -> list[tuple[object, float]]:
    peers = []
    for make in (RankBM25Peer, BM25sPeer):
        try:
            start = time.perf_counter()
            peer = make(entries)
            peers.append((peer, time.perf_counter() - start))
        except ImportError:
            print(f"   ({make.name} is not installed: pip install -e '.[bench]')")
    return peers


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Latency:
    p50: float
    p95: float
    p99: float

    @classmethod
    def of(cls, fn: Callable[[str], object], inputs: Sequence[str]) -> Latency:
        for text in inputs[:20]:
            fn(text)  # warm caches the way a running bot has them
        times = []
        for text in inputs:
            start = CLOCK()
            fn(text)
            times.append((CLOCK() - start) * 1000)
        q = statistics.quantiles(times, n=100)
        return cls(q[49], q[94], q[98])

    def __str__(self) -> str:
        return f"p50 {self.p50:6.3f}  p95 {self.p95:6.3f}  p99 {self.p99:6.3f} ms"


def peak_build_memory(knowledge: Knowledge) -> float:
    gc.collect()
    tracemalloc.start()
    engine = AnswerEngine.build(knowledge)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del engine
    return peak / 2**20


def bench_size(source: Knowledge, size: int, n_queries: int, rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        made = write_knowledge(source, size, Path(tmp) / "knowledge")
        start = time.perf_counter()
        knowledge = load_or_raise(Path(tmp) / "knowledge")
        load_s = time.perf_counter() - start
    start = time.perf_counter()
    engine = AnswerEngine.build(knowledge)
    build_s = time.perf_counter() - start
    memory = peak_build_memory(knowledge)
    entries = list(knowledge.entries.values())
    position = {e.id: i for i, e in enumerate(entries)}
    family: dict[str, set[int]] = {}
    for seed, name in made:
        family.setdefault(seed.id, set()).add(position[f"{seed.id}-{name}"])
    questions: list[tuple[str, set[int]]] = []
    for i in (rng.randrange(size) for _ in range(n_queries)):
        seed, name = made[i]
        if rng.random() < 0.5:  # names the project: exactly that entry is right
            questions.append(
                (member_question(rng.choice(seed.questions), name, rng), {position[f"{seed.id}-{name}"]})
            )
        else:  # does not: any entry made from the same seed topic is right
            questions.append((member_question(rng.choice(seed.questions), None, rng), family[seed.id]))
    texts = [q for q, _ in questions]
    ask = Latency.of(engine.answer, texts)
    complete = Latency.of(engine.lookup, autocomplete_inputs(entries, n_queries, rng))

    def engine_top(text: str) -> int:
        _, candidates = engine.rank(text)
        return position[candidates[0].entry.id] if candidates else -1

    acc = sum(engine_top(q) in right for q, right in questions) / len(questions)
    print(
        f"\n{size} entries: load {load_s:.2f} s (real loader), build {build_s:.2f} s, "
        f"peak build memory {memory:.1f} MiB"
    )
    print(f"   {'engine answer()':18s} {ask}   top-1 {acc:.3f}")
    print(f"   {'engine lookup()':18s} {complete}")
    for peer, peer_build in load_peers(entries):
        latency = Latency.of(peer.top, texts)  # type: ignore[attr-defined]
        peer_acc = sum(peer.top(q) in right for q, right in questions) / len(questions)  # type: ignore[attr-defined]
        print(f"   {peer.name:18s} {latency}   top-1 {peer_acc:.3f}   (index {peer_build:.2f} s)")  # type: ignore[attr-defined]


def bench_eval_sets(knowledge: Knowledge) -> None:
    engine = AnswerEngine.build(knowledge)
    entries = list(knowledge.entries.values())
    peers = load_peers(entries)
    for path in EVAL_FILES:
        if not path.exists():
            continue
        items: list[EvalItem] = [i for i in load_items(path) if i.in_scope]

        def engine_right(item: EvalItem) -> bool:
            _, candidates = engine.rank(item.q)
            return bool(candidates) and item.is_right(candidates[0].entry)

        row = [f"engine {sum(map(engine_right, items)) / len(items):.3f}"]
        for peer, _ in peers:
            hits = sum(item.is_right(entries[peer.top(item.q)]) for item in items)  # type: ignore[attr-defined]
            row.append(f"{peer.name} {hits / len(items):.3f}")  # type: ignore[attr-defined]
        print(f"   {path.name} ({len(items)} in-scope): right entry first: " + ", ".join(row))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time queries in thread CPU time (a shared, loaded machine inflates wall time)",
    )
    args = parser.parse_args(argv)
    global CLOCK
    CLOCK = time.thread_time if args.cpu else time.perf_counter
    source = load_or_raise(args.knowledge)
    print(
        f"python {sys.version.split()[0]}; seed knowledge: {len(source.entries)} entries; "
        f"inner loops in {'C' if kernels.COMPILED else 'numpy'}"
    )
    print("\nShipped knowledge on the evaluation sets (ranking only, whatever the outcome):")
    bench_eval_sets(source)
    rng = random.Random(args.seed)
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(source, size, args.queries, rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
