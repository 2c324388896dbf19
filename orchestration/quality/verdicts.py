"""Reading the verdicts: every caller (promotion's report, the asset checks, the CLI summary, the
run report) reads raw.document_verdicts through here rather than restating the rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from orchestration.warehouse.database import DocumentStatus


@dataclass(frozen=True, slots=True)
class Verdict:
    document_id: str
    fiscal_year: int | None
    department_name: str | None
    status: DocumentStatus
    rejection_reasons: tuple[str, ...]

    @property
    def first_reason(self) -> str | None:
        return self.rejection_reasons[0] if self.rejection_reasons else None


def read_verdicts(
    con: duckdb.DuckDBPyConnection, document_ids: Sequence[str] | None = None
) -> list[Verdict]:
    """The verdicts of the current versions of these documents (all when None), by id."""
    rows = con.execute(
        """
        select document_id, fiscal_year, department_name, status, rejection_reasons
        from raw.document_verdicts
        where ?::varchar[] is null or document_id in (select unnest(?::varchar[]))
        order by document_id
        """,
        [None if document_ids is None else list(document_ids)] * 2,
    ).fetchall()
    return [Verdict(d, y, n, DocumentStatus(s), tuple(r or ())) for d, y, n, s, r in rows]
