"""Discord extensions (cogs). Each module ends with ``async def setup(bot)``."""

EXTENSIONS = (
    "bot.exts.errors",
    "bot.exts.answers",
    "bot.exts.roadmap",
    "bot.exts.privacy",
    "bot.exts.moderation",
    "bot.exts.knowledge_admin",
    "bot.exts.coaching",
)
