"""Compares HPO methods over seeds and benchmarks in simulated time, in parallel processes.

    python benchmarking/scripts/compare_methods.py --benchmarks fcnet-protein_structure nas201-cifar10 \\
        --methods RS BO ASHA --seeds 10 --processes 2 --output compare-results

Writes ``report.md`` and ``comparison.png`` into ``--output`` and the experiments into
``<output>/experiments``; what is measured is described in ``benchmarking/comparison.py``.
Methods come from ``benchmarking/methods.py``.
"""
from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarking`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarking.comparison import RunResult, compare, plot, summary_table  # noqa: E402
from benchmarking.definitions import SIMULATED_BENCHMARKS  # noqa: E402
from benchmarking.methods import METHODS  # noqa: E402


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows every option's default; keeps the epilog's lists as written."""


def _parser() -> argparse.ArgumentParser:
    """Options with their defaults; the benchmark and method names are listed once, in the epilog."""
    def names(title: str, values) -> str:
        return textwrap.fill(", ".join(values), width=100, initial_indent="  ", subsequent_indent="  ",
                             break_on_hyphens=False).join((f"{title}:\n", ""))

    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=_HelpFormatter,
        epilog=names("benchmarks", sorted(SIMULATED_BENCHMARKS)) + "\n\n" + names("methods", METHODS))
    parser.add_argument("--benchmarks", nargs="+", default=["synthetic-mf"], choices=sorted(SIMULATED_BENCHMARKS),
                        metavar="BENCHMARK", help="simulated benchmarks to run (listed below)")
    parser.add_argument("--methods", nargs="+", default=["RS", "ASHA"], choices=list(METHODS), metavar="METHOD",
                        help="methods to compare (listed below; defined in benchmarking/methods.py)")
    parser.add_argument("--seeds", type=int, default=5, help="runs per method and benchmark (seeds 0, 1, ...)")
    parser.add_argument("--processes", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="runs at a time (default %(default)s: the number of CPUs less one)")
    parser.add_argument("--max_wallclock_time", type=float, default=None,
                        help="simulated seconds per run (default %(default)s: each benchmark's budget)")
    parser.add_argument("--output", type=Path, default=Path("compare-results"),
                        help="folder of report.md, comparison.png and the experiments")
    return parser


def main(argv=None) -> list[RunResult]:
    args = _parser().parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    methods = {name: METHODS[name] for name in args.methods}
    results = compare(methods, args.benchmarks, args.seeds, args.processes, args.max_wallclock_time, args.output)
    table = summary_table(results, args.max_wallclock_time)
    (args.output / "report.md").write_text(table + "\n")
    print("\n" + table)
    try:
        print(f"Plot: {plot(results, args.output / 'comparison.png', args.max_wallclock_time)}")
    except ImportError:
        print("No plot: matplotlib is missing (pip install 'syne-tune[benchmarks]').")
    print(f"Report: {args.output / 'report.md'}")
    return results


if __name__ == "__main__":
    main()
