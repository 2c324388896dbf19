"""Budget documents to typed tables: plain Python and Polars, no Dagster inside."""

from .document import PARSER_VERSION, parse_document
from .issues import DocumentError, Issue
from .layout import FINANCIAL_TABLES, REQUIRED_TABLES, TABLE_NAMES
from .model import RAW_TABLES, ParsedDocument

__all__ = [
    "FINANCIAL_TABLES",
    "PARSER_VERSION",
    "RAW_TABLES",
    "REQUIRED_TABLES",
    "TABLE_NAMES",
    "DocumentError",
    "Issue",
    "ParsedDocument",
    "parse_document",
]
