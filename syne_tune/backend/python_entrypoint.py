"""Entry point of a PythonBackend trial: loads the tuned function and calls it with the config.

Run as ``python python_entrypoint.py --st_tune_function=<file> --st_checkpoint_dir=<dir>``;
the config is read from ``config.json`` in the trial folder (the checkpoint folder's parent),
so values keep their types. Imports little, so that trials start fast.
"""
import json
import os
import sys

_VAR_KEYWORDS = 0x08  # inspect.CO_VARKEYWORDS, without importing inspect


def _arguments(function, config: dict) -> dict:
    """The entries of ``config`` that ``function`` takes (all of them if it has ``**kwargs``)."""
    code = getattr(function, "__code__", None)
    if code is None or code.co_flags & _VAR_KEYWORDS:
        return config
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    return {k: v for k, v in config.items() if k in names}


def main(argv: list[str]) -> None:
    args = dict(arg[2:].split("=", 1) for arg in argv if arg.startswith("--") and "=" in arg)
    if not {"st_tune_function", "st_checkpoint_dir"} <= set(args):
        sys.exit(f"usage: {sys.argv[0]} --st_tune_function=<file> --st_checkpoint_dir=<dir> (run by PythonBackend)")
    import pickle

    with open(args["st_tune_function"], "rb") as stream:
        payload = pickle.load(stream)
    sys.path[1:1] = [p for p in payload["sys_path"] if p not in sys.path]  # the launcher's modules
    if payload["loader"] == "dill":
        import dill

        function = dill.loads(payload["function"])
    else:
        function = pickle.loads(payload["function"])
    with open(os.path.join(os.path.dirname(os.path.normpath(args["st_checkpoint_dir"])), "config.json")) as stream:
        config = json.load(stream)
    config["st_checkpoint_dir"] = args["st_checkpoint_dir"]
    function(**_arguments(function, config))


if __name__ == "__main__":
    main(sys.argv[1:])
