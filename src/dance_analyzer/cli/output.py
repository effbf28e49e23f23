"""What ``analyze`` prints: the format a person or a script wants, and one or several
results in it."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def chosen_format(args: argparse.Namespace) -> str:
    """As asked; else a table for a person at a terminal, JSON for a pipe or a file."""
    if args.format:
        return str(args.format)
    return "table" if sys.stdout.isatty() and args.output is None else "json"


def rendered(results: list[dict[str, Any]], output_format: str, *, compact: bool = False) -> str:
    """One result as it always was; several as a JSON list (a failed file's entry names its
    error), the tables one after the other, or one CSV with a ``file`` column."""
    done = [result for result in results if "error" not in result]
    if output_format == "csv":
        from ..reports.export import result_csv, with_file_column

        if len(results) == 1:
            return result_csv(results[0]).rstrip("\n")
        return with_file_column([(r["filename"], result_csv(r)) for r in done]).rstrip("\n")
    if output_format == "table":
        from .table import result_table

        return "\n\n".join(result_table(result) for result in done)
    return json.dumps(results[0] if len(results) == 1 else results, indent=None if compact else 2)


def rendered_comparison(result: dict[str, Any], output_format: str, *, compact: bool = False) -> str:
    """A comparison as a table to read, or as its JSON."""
    if output_format == "table":
        from .compare_table import compare_table

        return compare_table(result)
    return json.dumps(result, indent=None if compact else 2)
