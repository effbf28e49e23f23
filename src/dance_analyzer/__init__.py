"""dance-analyzer: name the poses a dancer strikes in a video."""

__version__ = "0.1.0"
