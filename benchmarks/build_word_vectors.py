"""Derive a word-vector table for the answer engine from wordllama, offline (an experiment).

    python3.11 -m venv /tmp/wlv && /tmp/wlv/bin/pip install wordllama==0.4.0.post1 wordfreq==3.1.1 numpy
    . .venv/bin/activate   # the bot's own environment (it reads the knowledge)
    python benchmarks/build_word_vectors.py --site /tmp/wlv/lib/python3.11/site-packages \
        --out bot/search/data --dims 128 [--common 40000]

Nothing of wordllama is installed with the bot: this script, run by hand in a separate
environment, writes a small table, one vector per word, that an engine can load with numpy
alone. **Measured, not shipped** (docs/benchmarks.md, "Word vectors derived offline"): the
layer that read it (``bot/search/semantic.py``, its tests and the 6.5 MB table in
``bot/search/data/``) is in commit b0c8786 of branch h-semantic and was taken out after,
because it did not raise the tune split's answered-right rate.

Source: wordllama 0.4.0.post1 (MIT licence, https://github.com/dleemiller/WordLlama), model
``l2_supercat`` at 256 dimensions, the weights the package ships
(``wordllama/weights/l2_supercat_256.safetensors``): token embeddings distilled from large
language models' input embeddings, trained matryoshka-style so that the first 64 or 128
dimensions are a usable embedding on their own.

Derivation, per word of the vocabulary:

* vocabulary: every word of the knowledge's titles, aliases, questions, answers and synonym
  groups, plus the ``--common`` most frequent English words of wordfreq 3.1.1
  (``top_n_list("en", N)``), as the bot's tokenizer writes them (``bot.search.text``:
  lowercase ASCII letters and digits, apostrophes dropped: "don't" -> "dont"; words longer
  than ``MAX_BYTES`` are left out);
* vector: ``WordLlama.embed([word], norm=False)``: the mean of the word's token
  embeddings, the word alone, truncated to its first ``--dims`` dimensions;
* stored as int8 with one float32 scale per row (``vector ~= int8 * scale``, the largest
  component at +-127), beside the word's English frequency from wordfreq
  (``word_frequency(word, "en")``, for frequency-based weighting).

Files written (``np.load(..., mmap_mode="r")`` reads them without loading them whole):
``words.npy`` (fixed-width bytes, in two sorted runs for binary search: the knowledge's
words, then the others), ``layout.npy`` (int64: the first run's length), ``rows.npy``
(int32: the vector row of each word of ``words.npy``), ``vectors.npy`` (int8, words x dims: the knowledge's words
first, then the rest by falling frequency, so a build and most questions touch few pages),
``meta.npy`` (float32, rows x 2: scale, frequency).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.search.text import text_words  # noqa: E402

#: Longest word the table holds (bytes); longer words are left out.
MAX_BYTES = 24


def knowledge_words(directory: Path) -> set[str]:
    knowledge = load_or_raise(directory)
    words: set[str] = set()
    for entry in knowledge.entries.values():
        for text in (entry.title, *entry.aliases, *entry.questions, entry.answer):
            words.update(text_words(text))
    for group in knowledge.synonyms:
        for phrase in group:
            words.update(text_words(phrase))
    return words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="site-packages holding wordllama, wordfreq")
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--dims", type=int, default=64)
    parser.add_argument("--common", type=int, default=40000)
    parser.add_argument("--out", type=Path, required=True, help="folder for the .npy files")
    args = parser.parse_args(argv)
    sys.path.append(str(args.site))
    from wordfreq import top_n_list, word_frequency  # type: ignore[import-not-found]
    from wordllama import WordLlama  # type: ignore[import-not-found]

    start = time.perf_counter()
    model = WordLlama.load(cache_dir=args.site / "wordllama", disable_download=True)
    # the word as the bot's tokenizer writes it -> the spelling given to wordllama
    spelled: dict[str, str] = {}
    for word in top_n_list("en", args.common):
        for key in text_words(word):
            if key.isascii() and len(key) <= MAX_BYTES and key.isalnum():
                spelled.setdefault(key, word if text_words(word) == [key] else key)
    for key in knowledge_words(args.knowledge):
        if key.isascii() and len(key) <= MAX_BYTES and key.isalnum():
            spelled.setdefault(key, key)
    # vector rows: the knowledge's words first, then the others by falling frequency, so that the
    # rows a build and most questions read sit in few pages of the memory-mapped file
    ours = knowledge_words(args.knowledge)
    frequency = {k: word_frequency(spelled[k], "en") for k in spelled}
    keys = sorted(spelled, key=lambda k: (k not in ours, -frequency[k], k))
    vectors = np.asarray(model.embed([spelled[k] for k in keys], norm=False), dtype=np.float32)
    vectors = vectors[:, : args.dims]
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantised = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
    freq = np.array([frequency[k] for k in keys], dtype=np.float32)
    # words in two sorted runs, the knowledge's then the rest: building the engine looks up only
    # the knowledge's words, so it reads only the first run's pages
    n_ours = sum(k in ours for k in keys)
    spelled_keys = np.array(keys, dtype=f"S{MAX_BYTES}")
    order = np.concatenate(
        (np.argsort(spelled_keys[:n_ours]), n_ours + np.argsort(spelled_keys[n_ours:]))
    ).astype(np.int32)
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "words.npy", spelled_keys[order])
    np.save(args.out / "rows.npy", order)
    np.save(args.out / "layout.npy", np.array([n_ours], dtype=np.int64))
    np.save(args.out / "vectors.npy", quantised)
    np.save(args.out / "meta.npy", np.stack([scale.astype(np.float32), freq], axis=1))
    size = sum(
        (args.out / name).stat().st_size
        for name in ("words.npy", "rows.npy", "layout.npy", "vectors.npy", "meta.npy")
    )
    print(
        f"{len(keys)} words x {args.dims} dims -> {args.out} ({size / 1e6:.2f} MB) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
