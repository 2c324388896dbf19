"""Concise run progress for the command line, as a Dagster logger."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg

_SHOWN_EVENTS = {"STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "ASSET_CHECK_EVALUATION"}
# Steps whose own log lines say what they did; dbt streams an event per model and test, and the
# checks report through their evaluations.
_NARRATED_STEPS = {
    "raw_documents",
    "document_gate",
    "accepted_documents",
    "reference_files",
    "published_warehouse",
    "run_report",
}


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self._line(record)
        except Exception:
            self.handleError(record)
            return
        if line:
            print(line, file=sys.stderr, flush=True)

    def _line(self, record: logging.LogRecord) -> str | None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        message = meta.get("orig_message") or record.getMessage()
        if event is None:
            # Errors without an event (Dagster's note on a step whose upstream failed) are
            # shown as Dagster words them; dbt streams every model's events at INFO, and the
            # step lines are enough for those.
            if record.levelno >= logging.ERROR and step:
                return f"  – {step}: {message}"
            if record.levelno >= logging.INFO and step in _NARRATED_STEPS:
                return f"    {message}"
            return None
        kind = event.event_type_value
        if kind not in _SHOWN_EVENTS:
            return None
        if kind == "STEP_START":
            self.started[step] = time.perf_counter()
            return f"  ▸ {step}"
        if kind == "STEP_SUCCESS":
            seconds = time.perf_counter() - self.started.get(step, time.perf_counter())
            return f"  ✓ {step} ({seconds:.1f} s)"
        if kind == "STEP_FAILURE":
            return f"  ✗ {step} failed"
        evaluation = event.event_specific_data
        if not evaluation.passed:
            where = f" on {evaluation.partition}" if evaluation.partition else ""
            return (
                f"    ! check {evaluation.check_name}{where} did not pass "
                f"({evaluation.severity.value.lower()})"
            )
        return None


# Dagster's overloads of `logger` do not admit a description alone; the runtime does.
@dg.logger(description="One line per step and check, for the budget-warehouse command.")  # type: ignore[call-overload]
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    # Step events arrive at DEBUG; the handler picks what to show.
    logger = logging.Logger("budget-warehouse", level=logging.DEBUG)
    logger.addHandler(_ProgressHandler())
    return logger
