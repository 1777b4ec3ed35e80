"""The slash commands' names and options are a contract: this test pins them."""

from __future__ import annotations

from tests.exts.conftest import RunBot
from tests.fake_discord import FakeDiscord

SUBCOMMAND, GROUP = 1, 2

CONTRACT = {
    "ask": ["question", "private"],
    "topic": ["name", "for"],
    "topics": ["area"],
    "roadmap": ["track"],
    "track choose": ["track"],
    "milestone done": ["milestone", "note"],
    "milestone undo": ["milestone"],
    "milestone mentions": ["on"],
    "next": [],
    "progress": ["member"],
    "privacy export": [],
    "privacy delete": [],
    "coach config": ["announce_channel", "log_channel", "reward_mode", "buddy_channel", "help_channel"],
    "coach digest on": ["channel", "day", "hour"],
    "coach digest off": [],
    "coach digest preview": [],
    "coach reward": ["milestone", "role"],
    "coach sync-roles": [],
    "coach set-progress": ["member", "milestone", "state"],
    "coach stats": [],
    "coach export": [],
    "kb reload": [],
    "kb preview": [],
    "kb status": [],
    "kb gaps": ["days"],
    "kb feedback": [],
    "goal set": ["milestone", "date", "remind"],
    "goal clear": ["milestone"],
    "checkin on": ["every", "day", "hour"],
    "checkin off": [],
    "checkin now": [],
    "checkin timezone": ["zone"],
    "buddy find": [],
    "buddy leave": [],
}
MODERATOR_GROUPS = {"coach", "kb"}


def flatten(commands: list[dict], prefix: str = "", root: dict | None = None) -> dict[str, dict]:
    """Every invocable command by its full name ("coach digest on"), subgroups included."""
    found = {}
    for command in commands:
        name, top = f"{prefix}{command['name']}", root or command
        nested = [o for o in command.get("options", []) if o["type"] in (SUBCOMMAND, GROUP)]
        if nested:
            found.update(flatten(nested, f"{name} ", top))
        else:
            found[name] = {**command, "_root": top}
    return found


async def test_synced_commands_match_the_contract(fake_discord: FakeDiscord, run_coach: RunBot) -> None:
    async with run_coach():
        commands = flatten(fake_discord.commands[None])
    assert {name: [o["name"] for o in c.get("options", [])] for name, c in commands.items()} == CONTRACT
    for name, command in commands.items():
        root = command["_root"]
        assert root.get("contexts") == [0], name  # guild only
        moderator_only = name.split()[0] in MODERATOR_GROUPS
        assert (str(root.get("default_member_permissions")) == str(1 << 5)) is moderator_only, name
    autocompleted = {
        n: [o["name"] for o in c.get("options", []) if o.get("autocomplete")] for n, c in commands.items()
    }
    assert autocompleted["topic"] == ["name"]
    assert autocompleted["milestone done"] == autocompleted["milestone undo"] == ["milestone"]
    assert autocompleted["goal set"] == ["milestone", "date"] and autocompleted["checkin timezone"] == [
        "zone"
    ]
    assert autocompleted["roadmap"] == autocompleted["track choose"] == ["track"]
    assert autocompleted["coach reward"] == autocompleted["coach set-progress"] == ["milestone"]
