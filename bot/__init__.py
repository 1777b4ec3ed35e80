"""IT PM Coach: a Discord bot that coaches members into IT project management.

The package is layered: ``bot.knowledge``, ``bot.search`` and ``bot.progress`` are the
domain and never import discord.py; ``bot.storage`` persists progress; ``bot.exts`` (the
Discord cogs) and ``bot.cli`` (the terminal) are thin adapters over the domain.
"""

__version__ = "0.1.0"
