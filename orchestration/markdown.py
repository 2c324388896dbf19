"""Markdown tables for the previews in asset and check metadata (the Dagster UI shows them)."""

from collections.abc import Iterable, Sequence


def markdown_table(rows: Iterable[Sequence[object]], columns: Sequence[str]) -> str:
    """A Markdown table of the rows; None is an empty cell."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
