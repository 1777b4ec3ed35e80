"""The base of errors whose message is written for the member who caused them.

Domain code raises subclasses (unknown milestone, note too long, ...); the Discord error
handler and the terminal show their message as it is, and treat anything else as a bug.
"""


class CoachError(Exception):
    """An expected failure with a message that is safe and useful to show the member."""
