"""Two ``python -m bot run`` processes (shards 0 and 1 of 2) on one PostgreSQL database.

Each real OS process runs one shard against the fake Discord, which routes every guild to the
shard Discord would. Together they must behave as one bot: each answers its own guilds, a
member's deletion reaches every guild, work that must happen once (command sync, gap-log
pruning) happens once, and SIGTERM stops both cleanly.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage.protocol import UnansweredQuestion, Usage
from tests.backends import POSTGRES_URL, TestDatabase, new_database
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="shard processes share one PostgreSQL database: set TEST_DATABASE_URL to run them",
)

REPO = Path(__file__).resolve().parents[2]
STARTUP = 90.0  # seconds for both processes to import, migrate and connect on a loaded machine
ANSWER = 20.0
OLD_QUESTIONS = 3


class BotProcess:
    """One ``python -m bot run`` with its log in a file (a pipe could fill up and block it)."""

    def __init__(self, shard_id: int, fake: FakeDiscord, database_url: str, folder: Path) -> None:
        self.log_path = folder / f"shard-{shard_id}.log"
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(REPO),
            "HOME": str(folder),
            "DISCORD_TOKEN": fake.token,
            "DATABASE_URL": database_url,
            "KNOWLEDGE_POLL_SECONDS": "0",
            "LOG_LEVEL": "INFO",
            "SHARD_COUNT": "2",
            "SHARD_IDS": str(shard_id),
        }
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.fake_discord.launch", fake.base_url, fake.gateway_url],
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    async def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then the exit status (killed and failed if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.process.wait), timeout)
        except TimeoutError:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"shard did not stop on SIGTERM within {timeout} s:\n{self.log}") from None


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    """A fresh PostgreSQL schema, migrated, with unanswered questions older than the retention."""
    db = new_database("postgresql", tmp_path)
    await db.create()
    storage = await db.open()
    long_ago = datetime.now(UTC) - timedelta(days=400)
    for n in range(OLD_QUESTIONS):
        await storage.record_usage(
            Usage(unanswered=[UnansweredQuestion(1, f"old question {n}", "no_match", None, 0.0, long_ago, n)])
        )
    await storage.close()
    yield db
    await db.drop()


async def test_two_shard_processes_share_one_database(tmp_path: Path, database: TestDatabase) -> None:
    async with FakeDiscord(shard_count=2, callback_deadline=10.0) as fake:
        guilds = [fake.create_guild(f"Shard {n} careers", shard=n) for n in (0, 1)]
        first = fake.create_member(guilds[0], "alice")
        members = [first, guilds[1].add_member(first.user)]  # one user in both guilds
        shards = [BotProcess(n, fake, database.url, tmp_path) for n in (0, 1)]
        try:
            await _wait_ready(fake, shards)
            await _each_shard_answers_its_guild(fake, guilds, members)
            await _delete_everywhere_from_one_guild(fake, guilds, members)
            await _pruned_once(database, shards)
        finally:
            statuses = await asyncio.gather(*(shard.stop() for shard in shards))  # both, even if one hangs
        logs = [shard.log for shard in shards]
        assert statuses == [0, 0], logs
        assert all("Traceback" not in log for log in logs), logs
    syncs = [r for r in fake.requests if r.method == "PUT" and r.route and r.route.endswith("/commands")]
    assert len(syncs) == 1 and syncs[0].route == "/applications/{application_id}/commands", syncs
    assert "slash commands are synced by the process running shard 0" in logs[1]
    fake.assert_healthy()


async def _wait_ready(fake: FakeDiscord, shards: list[BotProcess]) -> None:
    """Until both processes identified (one shard each) and processed their GUILD_CREATEs."""

    async def identified() -> None:
        await fake.wait_ready(2, timeout=STARTUP)

    waiting = asyncio.ensure_future(identified())
    while not waiting.done():
        await asyncio.wait({waiting}, timeout=0.5)
        died = [shard for shard in shards if shard.process.poll() is not None]
        if died and not waiting.done():
            waiting.cancel()
            raise AssertionError(f"a shard process exited before connecting:\n{died[0].log}")
    waiting.result()
    assert sorted(session.shard[0] for session in fake.gateway.shards.values()) == [0, 1]


async def _each_shard_answers_its_guild(
    fake: FakeDiscord, guilds: list[FakeGuild], members: list[FakeMember]
) -> None:
    for n, (guild, member) in enumerate(zip(guilds, members, strict=True)):
        rec = await fake.slash(guild, member, "ask", question="how much does the pmp exam cost")
        message = await rec.final_message(timeout=ANSWER)
        assert "PMP" in json.dumps(message.embeds), message.embeds
        session = fake.gateway.shards[n]  # the one process that got this guild's interaction
        assert any(f["t"] == "INTERACTION_CREATE" and f["d"]["id"] == str(rec.id) for f in session.events)


async def _delete_everywhere_from_one_guild(
    fake: FakeDiscord, guilds: list[FakeGuild], members: list[FakeMember]
) -> None:
    for guild, member in zip(guilds, members, strict=True):
        rec = await fake.slash(guild, member, "milestone done", milestone="understand-the-role")
        await rec.final_message(timeout=ANSWER)
    assert await _guilds_in_export(fake, guilds[1], members[1]) == {str(g.id) for g in guilds}

    prompt = await (await fake.slash(guilds[0], members[0], "privacy delete")).final_message(timeout=ANSWER)
    await (await fake.click(members[0], prompt, f"coach:forget:{members[0].id}:all")).response(timeout=ANSWER)
    await fake.wait_for(lambda: "in every server" in json.dumps(prompt.embeds), timeout=ANSWER)

    # Asked in the other guild, so answered by the other process, from the shared database.
    assert await _guilds_in_export(fake, guilds[1], members[1]) == set()


async def _guilds_in_export(fake: FakeDiscord, guild: FakeGuild, member: FakeMember) -> set[str]:
    """The guilds where the member's ``/privacy export`` (asked in ``guild``) shows completions."""
    export = await (await fake.slash(guild, member, "privacy export")).final_message(timeout=ANSWER)
    return {g["guild_id"] for g in json.loads(export.files[0].data)["guilds"] if g["completions"]}


async def _pruned_once(database: TestDatabase, shards: list[BotProcess]) -> None:
    """Both processes start the prune loop at once; exactly one claims the window and prunes."""
    storage = await database.open()
    try:
        for _ in range(int(ANSWER * 10)):
            if not await storage.logged_questions(1, datetime(2000, 1, 1, tzinfo=UTC)):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the old questions were never pruned:\n" + "\n".join(s.log for s in shards))
    finally:
        await storage.close()
    runs = [r for r in (await database.tables())["job_runs"] if r["job"] == "prune-gaps"]
    assert len(runs) == 1 and runs[0]["finished_at"] is not None, runs
    pruned = [s for s in shards if f"pruned {OLD_QUESTIONS} unanswered questions" in s.log]
    assert len(pruned) == 1, [s.log for s in shards]
    assert f":{pruned[0].process.pid}:" in runs[0]["holder"]
