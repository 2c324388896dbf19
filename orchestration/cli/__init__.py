"""`budget-warehouse`: the command line (docs/architecture.md, "The path of one document").

Exit codes: 0 every document published; 1 a document was rejected (the others still published);
2 a usage or environment problem (missing folder, locked file, a step that crashed).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.cli.arguments import build_parser
from orchestration.cli.exit_codes import ExitCode
from orchestration.settings import Settings


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "synth":
        from orchestration.cli.commands import write_synthetic_corpus

        return write_synthetic_corpus(
            args.departments, args.years, Path(args.out), args.seed, args.final_accounts
        )
    if args.command == "sql":
        from orchestration import query

        return query.run(args)
    if args.command == "export":
        from orchestration import export as export_command

        return export_command.run(args)
    if args.command == "docs":
        from orchestration.cli.commands import write_docs

        return write_docs(Settings.from_env(warehouse=args.warehouse))
    from orchestration.cli.build import run_build

    return run_build(
        Settings.from_env(args.raw_dir, args.warehouse, args.crosswalk, args.department_renames),
        only=args.document,
        reread=args.reread,
    )


__all__ = ["ExitCode", "main"]
