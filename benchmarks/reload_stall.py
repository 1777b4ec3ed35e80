"""How long a knowledge reload stalls the bot's event loop.

    python benchmarks/reload_stall.py [--size 10000] [--runs 3]

Writes a knowledge base of ``--size`` entries in the real format (see search_bench.py),
opens it with the bot's ``Librarian``, then reloads it while a ticker task on the same
event loop wakes every millisecond and records the longest gap between wake-ups beyond
the intended sleep. That gap is the longest time a member's interaction would have
waited. Target: under 50 ms for 10,000 entries.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.search_bench import write_knowledge  # noqa: E402
from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.library import Librarian  # noqa: E402
from bot.settings import DEFAULT_KNOWLEDGE_DIR  # noqa: E402

TICK = 0.001


async def reload_with_ticker(librarian: Librarian) -> tuple[float, float]:
    """(seconds the reload took, longest event-loop stall in seconds)."""
    worst = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            worst = max(worst, now - last - TICK)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    outcome = await librarian.reload()
    took = time.perf_counter() - started
    done.set()
    await task
    if not outcome.ok:
        raise SystemExit("reload failed: " + "; ".join(str(p) for p in outcome.problems[:3]))
    return took, worst


async def main_async(size: int, runs: int) -> None:
    source = load_or_raise(DEFAULT_KNOWLEDGE_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "knowledge"
        write_knowledge(source, size, root)
        librarian = await Librarian.open(root)
        results = [await reload_with_ticker(librarian) for _ in range(runs)]
    took = [r[0] for r in results]
    stalls = [r[1] * 1000 for r in results]
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(
        f"{size} entries, {runs} reloads: reload median {statistics.median(took):.2f} s; "
        f"longest event-loop stall median {statistics.median(stalls):.1f} ms, max {max(stalls):.1f} ms "
        f"(target < 50 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main_async(args.size, args.runs))


if __name__ == "__main__":
    main()
