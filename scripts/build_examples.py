"""Build the example bank the package ships (src/dance_analyzer/labels/examples.npz) from corpus/.

Run after the corpus's labels or landmarks change; tests/labels/test_examples.py fails while
the shipped bank differs from the corpus.

Usage:  .venv/bin/python scripts/build_examples.py
"""

from __future__ import annotations

from pathlib import Path

from dance_analyzer.labels.corpus import example_bank, load_corpus
from dance_analyzer.labels.examples import BANK, save_bank

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    bank = example_bank(load_corpus(ROOT / "corpus"))
    save_bank(bank)
    print(f"{BANK}: {len(bank.points)} bodies, {len(set(bank.sources))} sources, {BANK.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
