"""Issue #10, finding 10: a member's milestone note is shown as typed, never as Markdown or a mention."""

from __future__ import annotations

import re

from tests.exts.conftest import RunBot
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember

# What Discord would render from an embed field: masked links, bold, and <...> mentions,
# command links and timestamps; a backslash in front shows the characters instead.
LIVE_MARKUP = re.compile(r"(?<!\\)\[[^\]]*\]\(|(?<!\\)\*\*|(?<!\\)<(?:@|#|/|t:)")


def test_the_pattern_sees_markup_and_ignores_escaped_text() -> None:
    assert LIVE_MARKUP.search("[x](https://a.example)") and LIVE_MARKUP.search("<@&1>")
    assert not LIVE_MARKUP.search(r"\[x](https://a.example) \*\*b\*\* \<@&1>")


async def test_notes_with_a_masked_link_and_mentions_render_as_plain_text_for_moderators(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    staff = guild.add_role("Staff")
    notes = {
        "understand-the-role": "[Claim your PMP voucher](https://evil.example/login) **now**",
        "build-core-skills": f"<@&{staff.id}> <#{guild.channel('general').id}> </ask:1> <t:1:R> @everyone",
    }
    async with run_coach():
        for milestone, note in notes.items():
            await (
                await fake_discord.slash(guild, alice, "milestone done", milestone=milestone, note=note)
            ).response()
        views = [
            await (await fake_discord.slash(guild, mod, "progress", member=alice)).final_message(),
            await (await fake_discord.slash(guild, alice, "progress")).final_message(),
        ]
    for view in views:
        shown = view.embeds[0]["fields"][0]["value"]
        assert "Claim your PMP voucher" in shown and "evil.example/login" in shown and str(staff.id) in shown
        assert LIVE_MARKUP.search(shown) is None, shown
        assert "@everyone" not in shown
        assert view.pings == set()
