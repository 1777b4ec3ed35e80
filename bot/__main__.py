"""``python -m bot`` and the ``itpm-coach`` console script."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
