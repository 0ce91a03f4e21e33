"""The ``syne-tune`` command: list, show, plot and remove stored experiments.

    syne-tune list [--filter 'height*'] [--limit 20]
    syne-tune show NAME [--top 20 | --all]
    syne-tune plot NAME [NAME ...] --output best.png [--learning-curves] [--group-by method]
    syne-tune plot NAME --kind slice|parallel|contour|pareto|importance|edf --output slice.png
    syne-tune importance NAME [--metric loss] [--rung 9]
    syne-tune dashboard [--port 8050] [--host 127.0.0.1]
    syne-tune remove NAME-OR-PATTERN ... | --older-than DAYS [--yes]

A NAME may be the full experiment name, a unique prefix of it, or a glob pattern ('rs-*'),
as for load_experiment. Trials are counted from their start, reported or not; a best value is
always finite (a diverged trial's inf or NaN is never best). Experiments live below
$SYNETUNE_FOLDER (default ~/syne-tune). Also ``python -m syne_tune.cli``.
"""
from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import sys
import time

from syne_tune.best import best_value, sort_best_first
from syne_tune.constants import ST_CONFIG_PREFIX, ST_TUNER_CREATION_TIMESTAMP
from syne_tune.experiment_lock import describe_holder, lock_holder
from syne_tune.progress_text import text_table
from syne_tune.results_path import experiment_path, results_root


class _UsageError(Exception):
    """A bad name or selection: printed as one line, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status = args.command(args)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        return status
    except _UsageError as error:
        print(f"syne-tune {args.name}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left (syne-tune show NAME | head): nothing more to say
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """Points stdout at /dev/null, so that flushing it at exit raises no second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (captured in tests)
        pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="syne-tune", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="name", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="experiments, newest first: name, date, scheduler, trials started "
                                                "(and how many reported), best metric")
    listing.add_argument("--filter", default="*", help="glob pattern on the name (default: all)")
    listing.add_argument("--limit", type=int, default=None, help="show at most this many")
    listing.set_defaults(command=_list)

    show = commands.add_parser("show", help="one experiment: its trials (best first) and its best config")
    show.add_argument("experiment")
    show.add_argument("--top", type=int, default=20, help="number of trials shown (default 20)")
    show.add_argument("--all", action="store_true", help="show every trial")
    show.set_defaults(command=_show)

    plot = commands.add_parser("plot", help="plot one or several experiments to a file (needs matplotlib)")
    plot.add_argument("experiments", nargs="+")
    plot.add_argument("--output", "-o", required=True, help="image file, e.g. best.png or best.pdf")
    plot.add_argument("--learning-curves", action="store_true", help="one experiment: add every trial's curve")
    plot.add_argument("--group-by", default="method",
                      help="several experiments: metadata entry naming the curve (default 'method', "
                           "falling back to the scheduler)")
    plot.add_argument("--kind", default="best", choices=["best", *_plot_kinds()],
                      help="best: best so far (default); parallel, slice, contour, pareto, importance: "
                           "analysis of one experiment; edf: distribution of trials' values over experiments")
    plot.add_argument("--metric", default=None, help="analysis plots: the metric (default the first)")
    plot.set_defaults(command=_plot)

    importance = commands.add_parser("importance", help="how much each hyperparameter mattered (PED-ANOVA)")
    importance.add_argument("experiment")
    importance.add_argument("--metric", default=None, help="default: the experiment's first metric")
    importance.add_argument("--rung", type=float, default=None, help="values reported at this resource level")
    importance.add_argument("--quantile", type=float, default=0.1, help="share of trials counted as top (0.1)")
    importance.set_defaults(command=_importance)

    dashboard = commands.add_parser("dashboard", help="a live, read-only web page over the results folder")
    dashboard.add_argument("--port", type=int, default=8050, help="port (default 8050; 0: any free one)")
    dashboard.add_argument("--host", default="127.0.0.1",
                           help="address to bind (default 127.0.0.1: this machine only)")
    dashboard.set_defaults(command=_dashboard)

    remove = commands.add_parser("remove", help="delete experiment folders (asks for --yes)")
    remove.add_argument("experiments", nargs="*", help="names or patterns")
    remove.add_argument("--older-than", type=float, default=None, metavar="DAYS",
                        help="only experiments created more than DAYS days ago")
    remove.add_argument("--yes", action="store_true", help="really delete; without it, only list what would go")
    remove.set_defaults(command=_remove)
    return parser


# -- commands --------------------------------------------------------------------------------------

def _list(args) -> int:
    from syne_tune.experiments import list_experiments

    experiments = list_experiments(name_filter=lambda name: fnmatch.fnmatch(name, args.filter))
    if args.limit is not None:
        experiments = experiments[:args.limit]
    if not experiments:
        print(f"No experiments matching '{args.filter}' in {results_root()}.")
        return 0
    rows = [["name", "created", "scheduler", "trials", "best"]]
    rows += [[e.name, _created(e.metadata), _scheduler(e.metadata), str(e.trial_count()), _best(e)]
             for e in experiments]
    print(text_table(rows, right=False))
    return 0


def _show(args) -> int:
    from syne_tune.experiments import load_experiment

    experiment = load_experiment(_resolve_one(args.experiment))
    metadata = experiment.metadata
    print(f"{experiment.name}  created {_created(metadata)}  scheduler {_scheduler(metadata)}  "
          f"folder {experiment_path(experiment.name)}")
    trials = experiment.trials()
    if trials.empty:
        print("No trial started yet.")
        return 0
    metric, mode = experiment.metric_names()[0], experiment.metric_mode()
    best_column = f"best_{metric}"
    if best_column in trials:
        trials = sort_best_first(trials, best_column, mode)  # diverged trials (inf, NaN) last
    shown = trials if args.all else trials.head(args.top)
    shown = shown.rename(columns=lambda c: c[len(ST_CONFIG_PREFIX):] if c.startswith(ST_CONFIG_PREFIX) else c)
    statuses = ", ".join(f"{n} {status}" for status, n in trials["status"].value_counts().items())
    print(f"{experiment.trial_count()}: {statuses}; {'all' if len(shown) == len(trials) else f'top {len(shown)}'} "
          f"by {metric} ({mode}):")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if best_column in trials and trials[best_column].notna().any():
        best = experiment.best_config()
        config = {k[len(ST_CONFIG_PREFIX):]: v for k, v in best.items() if k.startswith(ST_CONFIG_PREFIX)}
        print(f"best {metric}: {best[metric]:.6g} (trial {best['trial_id']})")
        print("best config: " + ", ".join(f"{k}={v}" for k, v in config.items()))
    return 0


def _plot(args) -> int:
    from syne_tune.experiment_plots import plot_experiment, plot_experiments, pyplot
    from syne_tune.experiments import load_experiment

    names = [name for pattern in args.experiments for name in _resolve(pattern)]
    names = list(dict.fromkeys(names))
    try:
        plt = pyplot()
        plt.switch_backend("Agg")  # write files, never open a window
    except ImportError as error:
        raise _UsageError(str(error)) from None
    experiments = [load_experiment(name) for name in names]
    if args.kind != "best":
        return _plot_analysis(args, experiments)
    if len(experiments) == 1:
        axes = plot_experiment(experiments[0], learning_curves=args.learning_curves)
    else:
        axes = plot_experiments(experiments, group_by=args.group_by)
    figure = getattr(axes, "figure", None) or axes[0].figure
    figure.savefig(args.output, bbox_inches="tight")
    metrics = list(dict.fromkeys(f"{e.metric_names()[0]} ({e.metric_mode()})" for e in experiments))
    panels = f", one panel per metric: {', '.join(metrics)}" if len(experiments) > 1 and len(metrics) > 1 else ""
    print(f"Plot of {len(names)} experiment{'s' if len(names) > 1 else ''} written to {args.output}{panels}")
    return 0


def _plot_kinds() -> list[str]:
    from syne_tune.plots import PLOTS

    return list(PLOTS)


def _plot_analysis(args, experiments) -> int:
    from syne_tune.plots import plot_function

    if args.kind != "edf" and len(experiments) > 1:
        raise _UsageError(f"--kind {args.kind} plots one experiment; got {len(experiments)} "
                          f"({', '.join(e.name for e in experiments[:5])}). Only --kind edf compares several.")
    kwargs = {"metric": args.metric} if args.metric else {}
    try:
        if args.kind == "edf":
            axes = plot_function("edf")(experiments, group_by=args.group_by, **kwargs)
        elif args.kind == "pareto":
            axes = plot_function("pareto")(experiments[0])
        else:
            axes = plot_function(args.kind)(experiments[0], **kwargs)
    except ValueError as error:
        raise _UsageError(str(error)) from None
    figure = getattr(axes, "figure", None) or axes[0].figure
    figure.savefig(args.output, bbox_inches="tight")
    print(f"{args.kind} plot of {', '.join(e.name for e in experiments)} written to {args.output}")
    return 0


def _importance(args) -> int:
    from syne_tune.experiments import load_experiment

    experiment = load_experiment(_resolve_one(args.experiment))
    try:
        table = experiment.importance(metric=args.metric, rung=args.rung, quantile=args.quantile)
    except ValueError as error:
        raise _UsageError(str(error)) from None
    rows = [["hyperparameter", "importance"]] + [[name, f"{value:.3f}"] for name, value in table.to_numpy()]
    print(text_table(rows, right=False))
    return 0


def _dashboard(args) -> int:
    from syne_tune.dashboard.server import serve

    try:
        serve(host=args.host, port=args.port)
    except OSError as error:  # port taken, address not ours
        raise _UsageError(f"cannot serve on {args.host}:{args.port} ({error}); try another --port.") from None
    return 0


def _remove(args) -> int:
    from syne_tune.experiments import get_metadata

    if not args.experiments and args.older_than is None:
        raise _UsageError("name the experiments to remove (names or patterns), or pass --older-than DAYS.")
    metadata = get_metadata()  # skips (with a warning) folders whose metadata cannot be read
    names = sorted({n for p in args.experiments for n in _removal_names(p)}) if args.experiments else sorted(metadata)
    if args.older_than is not None:
        cutoff = time.time() - 86400 * args.older_than
        names = [n for n in names if metadata.get(n, {}).get(ST_TUNER_CREATION_TIMESTAMP, time.time()) < cutoff]
    running = {name: holder for name in names if (holder := lock_holder(experiment_path(name))) is not None}
    for name, holder in running.items():
        print(f"keeping {name}: it is running ({describe_holder(holder)})")
    names = [name for name in names if name not in running]
    if not names:
        print("No experiment to remove.")
        return 0
    failed = 0
    for name in names:
        path = experiment_path(name)
        link = " (a link: only the link is removed)" if path.is_symlink() else ""
        print(f"{'removing' if args.yes else 'would remove'} {name}  (created {_created(metadata.get(name, {}))}){link}")
        if args.yes:
            try:
                path.unlink() if path.is_symlink() else shutil.rmtree(path)
            except OSError as error:
                failed += 1
                print(f"could not remove {name}: {error}", file=sys.stderr)
    if not args.yes:
        print(f"Nothing removed: pass --yes to delete these {len(names)} experiment folders.")
    return 1 if failed else 0


def _removal_names(pattern: str) -> list[str]:
    """As ``_resolve``, and a link in the results root by its own name (removing it removes the link)."""
    if "/" not in pattern and (results_root() / pattern).is_symlink():
        return [pattern]
    return _resolve(pattern)


# -- helpers -----------------------------------------------------------------------------------------

def _resolve(pattern: str) -> list[str]:
    """Experiment names for a full name, a glob pattern or a prefix; at least one."""
    from syne_tune.experiments import resolve_experiment_names

    try:
        return resolve_experiment_names(pattern)
    except (FileNotFoundError, ValueError) as error:
        raise _UsageError(str(error)) from None


def _resolve_one(pattern: str) -> str:
    """The one experiment ``pattern`` names, resolved as ``load_experiment`` does."""
    from syne_tune.experiments import resolve_experiment_name

    try:
        return resolve_experiment_name(pattern)
    except (FileNotFoundError, ValueError) as error:
        raise _UsageError(str(error)) from None


def _created(metadata: dict) -> str:
    stamp = metadata.get(ST_TUNER_CREATION_TIMESTAMP)
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else "?"


def _scheduler(metadata: dict) -> str:
    name = metadata.get("scheduler_name", "?")
    method = metadata.get("method")
    return f"{name} ({method})" if method else name


def _best(experiment) -> str:
    try:
        metric = experiment._metric()
    except (ValueError, KeyError):
        return "-"
    best = best_value(experiment.metric_values(metric), experiment.metric_mode())
    return "-" if best is None else f"{metric} {best:.6g} ({experiment.metric_mode()})"


if __name__ == "__main__":
    sys.exit(main())
