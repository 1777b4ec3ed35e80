"""Entry cards: one embed and one set of standing controls per entry and knowledge version,
shared by every reply that shows the entry."""

from __future__ import annotations

import dataclasses
import gc
import weakref

from bot.knowledge.loader import load_or_raise
from bot.knowledge.models import Knowledge
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from bot.ui.entries import EntryCards, disable, entry_view, standing_controls

PMP_FEES = "pmp-fees"


def _knowledge() -> Knowledge:
    return load_or_raise(DEFAULT_KNOWLEDGE_DIR)


async def test_replies_share_one_card_per_entry_until_the_knowledge_changes() -> None:
    knowledge = _knowledge()
    entry = knowledge.entries[PMP_FEES]
    cards = EntryCards()
    first = cards.card(entry, knowledge)
    assert cards.card(entry, knowledge) is first  # built once

    edited = dataclasses.replace(entry, answer="The fee changed: see PMI's page.")
    reloaded = dataclasses.replace(knowledge, entries={**knowledge.entries, PMP_FEES: edited})
    embed, _ = cards.card(edited, reloaded)
    assert embed.description == "The fee changed: see PMI's page."
    assert cards.card(entry, knowledge) is not first  # the old version's cards went with the reload


async def test_cards_kept_are_bounded_and_the_least_recent_goes_first() -> None:
    knowledge = _knowledge()
    a, b, c = list(knowledge.entries.values())[:3]
    cards = EntryCards(limit=2)
    card_a = cards.card(a, knowledge)
    cards.card(b, knowledge)
    cards.card(a, knowledge)  # a is now the most recent
    cards.card(c, knowledge)
    assert len(cards) == 2
    assert cards.card(a, knowledge) is card_a
    assert cards.card(b, knowledge)[0] is not None and len(cards) == 2


async def test_every_shipped_entry_stays_cached_when_members_range_over_all_of_them() -> None:
    """A cache smaller than the knowledge misses on nearly every reply once members open all the
    entries in turn (an LRU cycled through more items than it holds): 256 did with 324 entries."""
    knowledge = _knowledge()
    entries = list(knowledge.entries.values())
    cards = EntryCards()
    first = [cards.card(entry, knowledge) for entry in entries]
    assert all(cards.card(e, knowledge) is card for e, card in zip(entries, first, strict=True))


async def test_views_from_a_card_match_views_built_afresh() -> None:
    knowledge = _knowledge()
    entry = knowledge.entries[PMP_FEES]
    also = [knowledge.entries["pmp-eligibility"]]
    _, controls = EntryCards().card(entry, knowledge)
    for owner in (None, 42):
        shared = entry_view(entry, knowledge, owner_id=owner, also_asked=also, controls=controls)
        fresh = entry_view(entry, knowledge, owner_id=owner, also_asked=also)
        assert shared.to_components() == fresh.to_components()
    public = entry_view(entry, knowledge, owner_id=42, controls=controls).to_components()
    private = entry_view(entry, knowledge, owner_id=None, controls=controls).to_components()
    ids = [c["custom_id"] for row in public for c in row["components"]]
    assert "coach:delete:42" in ids
    assert not any("delete" in c["custom_id"] for row in private for c in row["components"])


async def test_a_draft_preview_that_disables_its_buttons_leaves_the_shared_card_alone() -> None:
    knowledge = _knowledge()
    entry = knowledge.entries[PMP_FEES]
    cards = EntryCards()
    _, controls = cards.card(entry, knowledge)
    preview = entry_view(entry, knowledge, owner_id=None)  # what the draft check shows
    for item in preview.children:
        disable(item)
    assert all(c.get("disabled") for row in preview.to_components() for c in row["components"])
    assert not any(
        c.get("disabled")
        for row in entry_view(entry, knowledge, owner_id=None, controls=controls).to_components()
        for c in row["components"]
    )
    assert len(controls) == len(standing_controls(entry, knowledge))


async def test_the_cards_do_not_keep_a_replaced_knowledge_version_alive() -> None:
    knowledge = _knowledge()
    cards = EntryCards()
    cards.card(knowledge.entries[PMP_FEES], knowledge)
    gone = weakref.ref(knowledge)
    del knowledge
    gc.collect()
    assert gone() is None  # at 10,000 entries a version is tens of MB
    assert len(cards) == 1
    fresh = _knowledge()
    cards.card(fresh.entries[PMP_FEES], fresh)
    assert len(cards) == 1
