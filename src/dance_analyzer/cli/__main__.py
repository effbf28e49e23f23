"""``python -m dance_analyzer.cli``: the same as the ``dance-analyzer`` command."""

from . import run

if __name__ == "__main__":
    run()
