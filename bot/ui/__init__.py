"""Discord rendering: embeds, views and message safety. Imports discord; the domain does not."""
