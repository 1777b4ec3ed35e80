"""Check-ins for a crowd due in the same minute, sent while members keep asking.

    python benchmarks/checkin_bench.py [--members 10000] [--askers 20] [--database-url URL]

The real bot (real cogs, SQLite by default) runs against ``tests/fake_discord`` on
127.0.0.1. ``--members`` members have weekly check-ins due at the same minute; the test
clock is moved to that minute and one scheduler round sends them all. Meanwhile a few
members send ``/ask`` twice a second. Reported: DMs sent and how long it took, the busiest
second of requests to Discord (its global limit is 50 a second), the acknowledgement
latency of the /asks sent during the round (p50/p99/max, against the 3 s deadline), and
whether any member got two check-ins.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DISCORD_GLOBAL_LIMIT = 50  # requests a second per bot


async def seed(coach: object, guild_id: int, member_ids: list[int]) -> None:
    from bot.coach import Coach

    assert isinstance(coach, Coach)
    for member_id in member_ids:
        await coach.coaching.checkin_on(guild_id, member_id, "weekly", 3, 9)  # Thursdays 09:00 UTC


async def run(members: int, askers: int, database_url: str | None) -> None:
    from bot.client import CoachBot
    from bot.coach import Coach
    from bot.settings import DEFAULT_KNOWLEDGE_DIR, load_settings
    from tests.fake_discord import FakeDiscord

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {
                "DATABASE_URL": database_url or f"sqlite:///{tmp}/coach.db",
                "KNOWLEDGE_DIR": str(DEFAULT_KNOWLEDGE_DIR),
                "KNOWLEDGE_POLL_SECONDS": "0",
                "CHECKIN_POLL_SECONDS": "0",
                "DISCORD_TOKEN": "fake",
            },
            dotenv_path=Path(tmp) / "none",
        )
        async with FakeDiscord() as fake:
            guild = fake.create_guild("Crowd")
            crowd = [fake.create_member(guild, f"m{i}") for i in range(members)]
            asking = [fake.create_member(guild, f"asker{i}") for i in range(askers)]
            coach = await Coach.open(settings)
            due = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # a Thursday
            now = [due - timedelta(days=1)]
            coach.coaching._clock = lambda: now[0]
            started = time.perf_counter()
            await seed(coach, guild.id, [m.id for m in crowd])
            print(f"seeded {members} check-ins in {time.perf_counter() - started:.1f} s")
            now[0] = due + timedelta(seconds=30)
            async with fake.run_bot(CoachBot(settings, coach)) as bot:
                cog = bot.get_cog("Coaching")
                assert cog is not None
                first_request = len(fake.requests)
                sending = asyncio.create_task(cog.scheduler())  # type: ignore[attr-defined]
                began = time.perf_counter()
                acks: list[float] = []
                missed = 0
                turn = 0
                while not sending.done():
                    member = asking[turn % len(asking)]
                    turn += 1
                    record = await fake.slash(
                        guild, member, "ask", question="how much does the pmp cost", private=True
                    )
                    sent = time.perf_counter()
                    try:
                        await record.response(timeout=5)
                        acks.append(time.perf_counter() - sent)
                    except Exception:
                        missed += 1
                    await asyncio.sleep(0.5)
                await sending
                elapsed = time.perf_counter() - began
                checkins = [m for member in crowd for m in fake.dms_to(member) if m.source == "message"]
                per_member = collections.Counter(m.channel_id for m in checkins)
                stamps = [r.at for r in fake.requests[first_request:] if getattr(r, "at", None) is not None]
                busiest = max(collections.Counter(int(s) for s in stamps).values(), default=0)
            await coach.close()
    acks.sort()
    print(f"members with check-ins due at the same minute: {members}")
    print(
        f"check-ins sent: {len(checkins)} in {elapsed:.1f} s ({len(checkins) / elapsed:.1f}/s); "
        f"members with more than one: {sum(1 for n in per_member.values() if n > 1)}"
    )
    if stamps:
        print(f"busiest second of requests to Discord: {busiest} (limit {DISCORD_GLOBAL_LIMIT})")
    if acks:
        p99 = acks[min(len(acks) - 1, int(len(acks) * 0.99))]
        print(
            f"/ask during the round: {len(acks)} acknowledged, {missed} missed; ack p50 "
            f"{statistics.median(acks) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {acks[-1] * 1000:.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--askers", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.members, args.askers, args.database_url))


if __name__ == "__main__":
    main()
