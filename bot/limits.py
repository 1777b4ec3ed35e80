"""Discord's limits, and the bot's own caps on what members type: the one place they live.

No discord.py here, so the domain (search, storage) can respect them too.
"""

# What Discord accepts (https://discord.com/developers/docs: embeds, components, autocomplete)
MAX_CHOICES = 25  # autocomplete choices, select-menu options
CHOICE_NAME = 100  # characters of a choice's or select option's name
FOCUSED_OPTION = 100  # characters of a focused option that autocomplete looks at
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD = 1024
EMBED_TOTAL = 6000  # all embeds of one message together
BUTTON_LABEL = 80
SELECT_OPTION = 100

# The bot's own caps on member input
QUESTION_MAX_CHARS = 1000  # a question to /ask, and the longest one logged for /kb gaps
NOTE_MAX_CHARS = 300  # a member's note on a completed milestone
