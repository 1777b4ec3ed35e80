"""The answer path under load: bursts of simultaneous /ask, memory, start-up and reloads.

    python benchmarks/load_bench.py [--sizes 200 500 1000] [--repeat 3] [--one-by-one 300]
                                    [--apart 500] [--entries 10000] [--members 100000] [--reloads 10]

Everything goes through ``tests/fake_discord`` (a fake Discord on 127.0.0.1) with the real
discord.py client. Each burst size runs against the real bot AND against a trivial bot that
only answers "pong" (the floor: discord.py plus the fake, which share the process and its
event loop), alternating, in the same run. Reported per burst: acknowledgement latency
p50/p99/max (dispatch to the callback reaching the fake), interactions that missed the
3-second deadline, the ratio to the floor, process CPU per interaction until every reply
was delivered (deferred answers included; the fake's share counts in both, so the difference
is the bot's own cost) and when the last reply arrived. Then the same questions one at a time
(``--one-by-one``): CPU per interaction with nothing queued or deferred. With ``--apart``, each
bot runs as its own OS process (ours as ``python -m bot run``) and its CPU is read from ``/proc``,
so the fake's share is not counted; this also times start-up to the first answer of the real command.

Then, each in a fresh process: RSS at start, after the first and after 10 reloads; start-up
to first answer (from the launch of the process, minus the time spent setting up the fake);
the longest acknowledgement of /asks sent while a reload runs. With the shipped knowledge,
and with ``--entries`` generated entries and ``--members`` members with progress (warm
index cache: a first start builds it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEADLINE = 3.0
DELIVERY_LIMIT = 60.0  # seconds a burst's deferred answers may take to arrive after the last ack
OUT_OF_SCOPE = (
    "how do i become a nurse",
    "what's the weather in paris tomorrow",
    "best pizza near me",
    "is it worth it",
    "how long does it take",
)


def burst_questions(knowledge: Path, count: int) -> list[str]:
    """``count`` questions as members ask them: the entries' own questions in lower case
    (so each differs), with a few out-of-scope and vague ones mixed in."""
    from bot.knowledge.loader import load_or_raise

    asked = [q.lower() for e in load_or_raise(knowledge).entries.values() for q in e.questions[:6]]
    mixed = [*OUT_OF_SCOPE, *asked]
    return [mixed[(i * 7919) % len(mixed)] for i in range(count)]


@dataclass
class Burst:
    acks: list[float]  # seconds from dispatch to the callback, for those acknowledged in time
    missed: int
    cpu_ms: float  # process CPU per interaction, until every reply was delivered
    all_delivered: float  # seconds from the first dispatch to the last reply delivered

    def pct(self, q: float) -> float:
        """The q-quantile of acknowledgement latency; a missed deadline counts as infinitely late."""
        ordered = sorted(self.acks) + [float("inf")] * self.missed
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------- the two bots


def pong_bot() -> Any:
    """The floor: the same discord.py set-up, one /ask that answers "pong" and nothing else."""
    import discord
    from discord.ext import commands

    bot = commands.AutoShardedBot(
        command_prefix=commands.when_mentioned,
        help_command=None,
        intents=discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
    )

    @bot.tree.command(name="ask", description="pong")
    async def ask(interaction: discord.Interaction, question: str, private: bool = False) -> None:
        await interaction.response.send_message("pong", ephemeral=private)

    return bot


@asynccontextmanager
async def coach_bot(fake: Any, knowledge: Path, database: Path) -> Any:
    from bot.client import CoachBot
    from bot.coach import Coach
    from bot.settings import load_settings

    settings = load_settings(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "KNOWLEDGE_DIR": str(knowledge),
            "KNOWLEDGE_POLL_SECONDS": "0",
            "DISCORD_TOKEN": "fake-token",
        },
        dotenv_path=database.parent / "no.env",
    )
    coach = await Coach.open(settings)
    async with fake.run_bot(CoachBot(settings, coach)) as bot:
        yield bot


async def burst(fake: Any, guild: Any, members: list[Any], questions: list[str]) -> Burst:
    """One member per question asks at once; wait until each is acknowledged, refused or timed out."""
    await asyncio.sleep(0.3)  # let the previous burst's followups and batches settle
    size = len(questions)
    cpu = time.process_time()
    records = [
        await fake.slash(guild, member, "ask", question=question, private=True)
        for member, question in zip(members, questions, strict=False)
    ]
    deadline = time.monotonic() + DEADLINE + 2.0
    while time.monotonic() < deadline and not all(r.callbacks for r in records):
        await asyncio.sleep(0.01)
    settle, pending = time.monotonic() + DELIVERY_LIMIT, [r for r in records if r.callbacks]
    while time.monotonic() < settle and pending:
        pending = [r for r in pending if not r.delivered]
        await asyncio.sleep(0.01)
    delivered = time.monotonic()
    cpu = time.process_time() - cpu
    acks = [r.callbacks[0].at - r.created_at for r in records if r.callbacks]
    in_time = [a for a in acks if a <= DEADLINE]
    last = delivered - min(r.created_at for r in records)
    return Burst(in_time, size - len(in_time), cpu * 1000 / size, last)


@asynccontextmanager
async def bot_under_test(
    kind: str, size: int, knowledge: Path, folder: Path
) -> AsyncIterator[tuple[Any, Any, list[Any]]]:
    """A fake Discord with ``size`` members in one guild, and the bot ``kind`` ("pong" or ours) on it."""
    from tests.fake_discord import FakeDiscord

    async with FakeDiscord() as fake:
        guild = fake.create_guild("Load")
        members = [fake.create_member(guild, f"m{i}") for i in range(size)]
        runner: AbstractAsyncContextManager[Any]
        if kind == "pong":
            runner = fake.run_bot(pong_bot())
        else:
            runner = coach_bot(fake, knowledge, folder / f"{kind}-{size}.db")
        async with runner:
            yield fake, guild, members


async def bursts(kind: str, size: int, repeat: int, knowledge: Path, folder: Path) -> list[Burst]:
    async with bot_under_test(kind, size, knowledge, folder) as (fake, guild, members):
        questions = burst_questions(knowledge, size)
        return [await burst(fake, guild, members, questions) for _ in range(repeat)]


async def one_by_one(kind: str, count: int, repeat: int, knowledge: Path, folder: Path) -> list[float]:
    """CPU per /ask in ms when each question waits for the previous reply: nothing queues, so
    nothing is deferred; the cost of one interaction on its own."""
    async with bot_under_test(kind, count, knowledge, folder) as (fake, guild, members):
        questions = burst_questions(knowledge, count)
        results = []
        for _ in range(repeat):
            await asyncio.sleep(0.3)
            cpu = time.process_time()
            for member, question in zip(members, questions, strict=True):
                record = await fake.slash(guild, member, "ask", question=question, private=True)
                await record.final_message()
            results.append((time.process_time() - cpu) * 1000 / count)
        return results


# ---------------------------------------------------------------- the bot in a process of its own

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """User + system CPU of a whole process (every thread, live or ended), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def process_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def apart(kind: str, count: int, knowledge: Path, database: Path) -> dict[str, float]:
    """The bot as its own OS process (ours is ``python -m bot run``): start-up to its first answer,
    then ``count`` questions one at a time and the CPU that process spent on them. The fake runs
    here, so its share of the work is not in the figure, as Discord's is not in production."""
    from tests.fake_discord import FakeDiscord

    async with FakeDiscord() as fake:
        guild = fake.create_guild("Load")
        members = [fake.create_member(guild, f"m{i}") for i in range(count)]
        questions = burst_questions(knowledge, count)
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(REPO),
            "HOME": str(database.parent),
            "DISCORD_TOKEN": fake.token,
            "DATABASE_URL": f"sqlite:///{database}",
            "KNOWLEDGE_DIR": str(knowledge),
            "KNOWLEDGE_POLL_SECONDS": "0",
        }
        launched = time.perf_counter()
        with (database.parent / f"{kind}.log").open("w") as log:
            process = subprocess.Popen(
                # ours is `python -m bot run`, pointed at the fake (tests/fake_discord/launch.py)
                [sys.executable, "-m", "tests.fake_discord.launch", fake.base_url, fake.gateway_url]
                + (["pong"] if kind == "pong" else []),
                cwd=database.parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            await fake.wait_ready(1, timeout=120)
            first = await fake.slash(guild, members[0], "ask", question="how much does the pmp cost")
            await first.response(timeout=30)
            result = {"startup_s": time.perf_counter() - launched}
            for member, question in zip(members[:20], questions, strict=False):  # warm-up
                await (
                    await fake.slash(guild, member, "ask", question=question, private=True)
                ).final_message()
            await asyncio.sleep(0.3)
            cpu = process_cpu_s(process.pid)
            for member, question in zip(members, questions, strict=True):
                record = await fake.slash(guild, member, "ask", question=question, private=True)
                await record.final_message()
            result["cpu_ms"] = (process_cpu_s(process.pid) - cpu) * 1000 / count
            result["rss_mb"] = process_rss_mb(process.pid)
            return result
        finally:
            process.terminate()
            await asyncio.to_thread(process.wait, 30)


async def apart_runs(
    args: argparse.Namespace, knowledge: Path, database: Path
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """``--repeat`` runs of ours and of the floor, alternating, on the same knowledge."""
    ours: list[dict[str, float]] = []
    floor: list[dict[str, float]] = []
    for _ in range(args.repeat):
        floor.append(await apart("pong", args.apart, knowledge, database.with_name("pong.db")))
        ours.append(await apart("coach", args.apart, knowledge, database))
    return ours, floor


def report_apart(label: str, ours: list[dict[str, float]], floor: list[dict[str, float]]) -> None:
    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"{label}: the bot as its own process, {len(ours)} fresh processes each, median, ours / floor:")
    print(f"  start-up to first answer: {med(ours, 'startup_s'):.2f} / {med(floor, 'startup_s'):.2f} s")
    print(
        "  CPU of the bot process per /ask, one by one: "
        + ", ".join(f"{o['cpu_ms']:.2f} / {f['cpu_ms']:.2f}" for o, f in zip(ours, floor, strict=True))
        + f" ms; median {med(ours, 'cpu_ms'):.2f} / {med(floor, 'cpu_ms'):.2f} ms"
    )
    print(f"  RSS after them: {med(ours, 'rss_mb'):.1f} / {med(floor, 'rss_mb'):.1f} MB", flush=True)


# ---------------------------------------------------------------- start-up, memory, reloads (child)


async def child(knowledge: Path, database: Path, launched: float, reloads: int) -> dict[str, float]:
    """Run in a fresh process: start the bot, answer once, reload, report."""
    import bot.client  # the bot's own imports count towards start-up
    import bot.coach  # noqa: F401

    harness = time.perf_counter()
    from tests.fake_discord import FakeDiscord

    fake = FakeDiscord()
    await fake.__aenter__()
    guild = fake.create_guild("Load")
    members = [fake.create_member(guild, f"m{i}") for i in range(200)]
    harness = time.perf_counter() - harness
    async with coach_bot(fake, knowledge, database) as coach_client:
        record = await fake.slash(guild, members[0], "ask", question="how much does the pmp cost")
        await record.response(timeout=30)
        answered = time.time()
        result = {"startup_s": answered - launched - harness, "rss_start_mb": rss_mb()}
        librarian = coach_client.coach.librarian
        worst_ack = 0.0
        for n in range(reloads):
            reload = asyncio.create_task(librarian.reload())
            asked = 0
            while not reload.done():
                await asyncio.sleep(0.05)
                asked += 1
                rec = await fake.slash(guild, members[asked % 200], "ask", question="what is scrum")
                worst_ack = max(worst_ack, (await rec.response(timeout=10)).at - rec.created_at)
            await reload
            if n == 0:
                result["rss_after_1_reload_mb"] = rss_mb()
        await asyncio.sleep(0.5)
        result["rss_after_reloads_mb"] = rss_mb()
        result["reload_ack_max_ms"] = worst_ack * 1000
    await fake.__aexit__(None, None, None)
    return result


def run_child(knowledge: Path, database: Path, reloads: int) -> dict[str, float]:
    launched = time.time()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(knowledge), str(database), str(launched), str(reloads)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


async def seed_members(database: Path, members: int) -> None:
    """``members`` members of one server, each with two milestones done."""
    from benchmarks.progress_bench import bulk_load
    from bot.storage.sqlite import SqliteStorage

    storage = await SqliteStorage.open(database)
    try:
        await bulk_load(storage, members, 2)
    finally:
        await storage.close()


# ---------------------------------------------------------------- report


def machine() -> str:
    from benchmarks.progress_bench import machine as describe
    from bot.search import kernels

    return f"{describe()}; answer engine's inner loops in {'C' if kernels.COMPILED else 'numpy'}"


def burst_lines(size: int, ours: list[Burst], floor: list[Burst]) -> Iterator[str]:
    for i, (o, f) in enumerate(zip(ours, floor, strict=True)):
        yield (
            f"| {size} #{i + 1} | {o.pct(0.5) * 1000:.0f} / {o.pct(0.99) * 1000:.0f} / {o.pct(1.0) * 1000:.0f} ms "
            f"| {f.pct(0.5) * 1000:.0f} / {f.pct(0.99) * 1000:.0f} / {f.pct(1.0) * 1000:.0f} ms "
            f"| {o.pct(0.99) / f.pct(0.99):.2f}x | {o.missed} / {f.missed} "
            f"| {o.cpu_ms:.2f} / {f.cpu_ms:.2f} ms | {o.all_delivered * 1000:.0f} / {f.all_delivered * 1000:.0f} ms |"
        )


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def main_async(args: argparse.Namespace) -> None:
    from benchmarks.search_bench import write_knowledge
    from bot.knowledge.loader import load_or_raise
    from bot.settings import DEFAULT_KNOWLEDGE_DIR

    print(f"machine: {machine()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        "| burst | ours ack p50 / p99 / max | floor ack p50 / p99 / max | p99 ratio | missed (ours / floor) "
        "| CPU per interaction (ours / floor) | all replies delivered (ours / floor) |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in args.sizes:
            floor = await bursts("pong", size, args.repeat, DEFAULT_KNOWLEDGE_DIR, folder)
            ours = await bursts("coach", size, args.repeat, DEFAULT_KNOWLEDGE_DIR, folder)
            for line in burst_lines(size, ours, floor):
                print(line, flush=True)
            print(
                f"| {size} median | p99 {median_of([o.pct(0.99) for o in ours]) * 1000:.0f} ms "
                f"| p99 {median_of([f.pct(0.99) for f in floor]) * 1000:.0f} ms "
                f"| {median_of([o.pct(0.99) for o in ours]) / median_of([f.pct(0.99) for f in floor]):.2f}x "
                f"| {sum(o.missed for o in ours)} / {sum(f.missed for f in floor)} "
                f"| {median_of([o.cpu_ms for o in ours]):.2f} / {median_of([f.cpu_ms for f in floor]):.2f} ms "
                f"| {median_of([o.all_delivered for o in ours]) * 1000:.0f} / "
                f"{median_of([f.all_delivered for f in floor]) * 1000:.0f} ms |",
                flush=True,
            )
        if args.one_by_one:
            floor_cpu = await one_by_one("pong", args.one_by_one, args.repeat, DEFAULT_KNOWLEDGE_DIR, folder)
            ours_cpu = await one_by_one("coach", args.one_by_one, args.repeat, DEFAULT_KNOWLEDGE_DIR, folder)
            print(
                f"{args.one_by_one} /ask one by one, CPU per interaction, ours / floor, each run: "
                + ", ".join(f"{o:.2f} / {f:.2f} ms" for o, f in zip(ours_cpu, floor_cpu, strict=True))
                + f"; median {median_of(ours_cpu):.2f} / {median_of(floor_cpu):.2f} ms",
                flush=True,
            )
        if args.apart:
            report_apart(
                "shipped knowledge", *await apart_runs(args, DEFAULT_KNOWLEDGE_DIR, folder / "apart.db")
            )
        shipped = [run_child(DEFAULT_KNOWLEDGE_DIR, folder / f"start-{i}.db", args.reloads) for i in range(3)]
        report_child("shipped knowledge", shipped)
        if args.entries:
            big = folder / "knowledge"
            write_knowledge(load_or_raise(DEFAULT_KNOWLEDGE_DIR), args.entries, big)
            database = folder / "big.db"
            await seed_members(database, args.members)
            run_child(big, database, 0)  # a first start writes the index cache
            warm = [run_child(big, database, args.reloads) for _ in range(3)]
            report_child(f"{args.entries} entries + {args.members} members, warm cache", warm)
            if args.apart:
                report_apart(
                    f"{args.entries} entries + {args.members} members", *await apart_runs(args, big, database)
                )
            floor = await bursts("pong", 1000, args.repeat, big, folder)
            ours = await bursts("coach-big", 1000, args.repeat, big, folder)
            print(f"1000 burst at {args.entries} entries:")
            for line in burst_lines(1000, ours, floor):
                print(line, flush=True)


def report_child(label: str, runs: list[dict[str, float]]) -> None:
    def med(key: str) -> str:
        values = [r[key] for r in runs]
        return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"

    print(f"{label}, {len(runs)} fresh processes, median (min-max):")
    print(f"  start-up to first answer: {med('startup_s')} s")
    print(f"  RSS at start: {med('rss_start_mb')} MB")
    if all("rss_after_1_reload_mb" in r for r in runs):  # --reloads 0 measures no reload
        print(
            f"  RSS after 1 reload: {med('rss_after_1_reload_mb')} MB; "
            f"after all reloads: {med('rss_after_reloads_mb')} MB"
        )
        print(f"  longest /ask acknowledgement during reloads: {med('reload_ack_max_ms')} ms", flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        knowledge, database, launched, reloads = sys.argv[2:6]
        result = asyncio.run(child(Path(knowledge), Path(database), float(launched), int(reloads)))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 500, 1000], help="none: skip")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one-by-one", type=int, default=300, help="questions asked one at a time; 0 skips")
    parser.add_argument(
        "--apart", type=int, default=500, help="questions one by one to the bot as its own process; 0 skips"
    )
    parser.add_argument("--reloads", type=int, default=10)
    parser.add_argument("--entries", type=int, default=10_000, help="0 skips the large knowledge base")
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
