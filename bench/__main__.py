"""`python -m bench [BENCHMARK] [OPTIONS]`: run one of rnk's benchmarks (default: ingest).

Each benchmark is a module with `add_arguments(parser)` and `run(args) -> exit code`,
registered in BENCHMARKS; a new one needs one line here. Options given without a
benchmark name go to the default one, so `python -m bench --pages 200 --runs 1` works.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from types import ModuleType

from bench import dedup, events, ingest, reports

BENCHMARKS: dict[str, tuple[ModuleType, str]] = {
    "ingest": (ingest, "end-to-end ingest rate against trafilatura alone"),
    "dedup": (dedup, "store_article cost per article with 1,000 to 1,000,000 articles stored"),
    "events": (events, "extract_event + record_story_event cost per story with 1,000 and 100,000 events"),
    "reports": (reports, "canned reports, search and export on 1,000,000 articles over three years"),
}
DEFAULT = "ingest"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK")
    for name, (module, help_text) in BENCHMARKS.items():
        sub = commands.add_parser(name, help=help_text, description=(module.__doc__ or "").splitlines()[0])
        module.add_arguments(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse, default the benchmark name, run it; its return value is the exit code."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in BENCHMARKS and args_in[0] not in {"-h", "--help"}):
        args_in.insert(0, DEFAULT)
    args = build_parser().parse_args(args_in)
    runner: Callable[[argparse.Namespace], int] = BENCHMARKS[args.benchmark][0].run
    return runner(args)


if __name__ == "__main__":
    sys.exit(main())
