"""Write ``bot/search/english_words.txt``, the common English words the engine never rewrites.

    pip install --target /tmp/wf wordfreq==3.1.1   # beside the bot's environment, not in it
    PYTHONPATH=/tmp/wf python benchmarks/build_english_words.py [--zipf 3.5] [--out FILE]

The engine reads a word the knowledge never uses as a typo of the nearest word it does use
(the speller) or as the clipped start of a longer one ("execs" for "executives"). A word spelt
right is neither: "tiger" is not "timer", "litigation" not "mitigation", "water" not "waterfall".
The list holds the words those rewrites must not touch: lowercase ASCII words of at least
``MIN_CLIPPING`` letters (the shortest word either rewrites) whose Zipf frequency in wordfreq's
English data is at least ``--zipf`` (3.5: about three times per million words). Common
misspellings and rarer homophones sit below that line ("manger" 2.99, "recieve" 2.75, "coarse"
3.41 for "course"), so they are still corrected. Run by hand with wordfreq installed aside:
nothing of wordfreq is installed with the bot. The same version gives the same file.

wordfreq (Robyn Speer, https://github.com/rspeer/wordfreq) is Apache-2.0; its word-frequency
data, and so this list, is under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/),
which the file's header repeats.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.search.query import MIN_CLIPPING  # noqa: E402

HEADER = """\
# Common English words: the engine never reads them as typos or clippings (bot/search/speller.py).
# Derived from wordfreq {version} (https://github.com/rspeer/wordfreq): lowercase ASCII words of
# {min_length}+ letters with a Zipf frequency of at least {zipf} in its English data.
# Made by benchmarks/build_english_words.py. Licence of this file: CC BY-SA 4.0, as wordfreq's
# data (https://creativecommons.org/licenses/by-sa/4.0/).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zipf", type=float, default=3.5)
    parser.add_argument("--out", type=Path, default=REPO / "bot" / "search" / "english_words.txt")
    args = parser.parse_args()
    import wordfreq  # installed aside, see the docstring

    words = set()
    for word in wordfreq.iter_wordlist("en"):  # most frequent first
        if wordfreq.zipf_frequency(word, "en") < args.zipf:
            break
        if len(word) >= MIN_CLIPPING and word.isascii() and word.isalpha() and word.islower():
            words.add(word)
    version = metadata.version("wordfreq")
    header = HEADER.format(version=version, min_length=MIN_CLIPPING, zipf=args.zipf)
    args.out.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {args.out}")


if __name__ == "__main__":
    main()
