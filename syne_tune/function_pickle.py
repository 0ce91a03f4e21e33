"""Pickling by value with the standard library only: tuned functions and the tuner's snapshot.

PythonBackend starts a process per trial, and importing dill there costs about 30 ms, more
than the rest of a trivial trial's start-up; the Tuner snapshots itself (``tuner.dill``) while
trials start and end, and dill's pure-Python pickler takes ten times as long as the standard
library's C one. So (for both) a function defined in ``__main__``, a
notebook or another function travels as its marshalled code plus the globals and closure
values it uses (modules by name, everything else by plain pickle, other such functions the
same way); loading it needs only :func:`make_function`. Whatever this cannot express (a class
or an instance of a class defined in ``__main__``, a recursive function, ...) raises, and the
caller falls back to dill. The same interpreter must load what this writes (marshal format).
"""
from __future__ import annotations

import builtins
import importlib
import io
import marshal
import pickle
import sys
import types


class ByValueUnsupported(Exception):
    """The function refers to something only dill can pickle."""


def dumps(function) -> bytes:
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(function)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError) as error:
        raise ByValueUnsupported(str(error)) from error
    return buffer.getvalue()


def make_function(code: bytes, globals_: dict, name: str, qualname: str, defaults, kwdefaults, closure):
    """Rebuilds a function pickled by :func:`dumps` (called by ``pickle.loads``)."""
    namespace = {"__builtins__": builtins, **globals_}
    cells = None if closure is None else tuple(types.CellType(value) for value in closure)
    function = types.FunctionType(marshal.loads(code), namespace, name, defaults, cells)
    function.__qualname__ = qualname
    function.__kwdefaults__ = kwdefaults
    return function


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, types.FunctionType) and not _importable(obj):
            return make_function, _function_state(obj)
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        cls = obj if isinstance(obj, type) else type(obj)
        if cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
            raise ByValueUnsupported(f"{cls.__qualname__} is defined in __main__ or in a function")
        return NotImplemented


def _importable(function: types.FunctionType) -> bool:
    """True if ``pickle`` can refer to ``function`` by module and name in another process."""
    module = sys.modules.get(function.__module__ or "")
    if module is None or function.__module__ == "__main__" or "<locals>" in function.__qualname__:
        return False
    target = module
    for part in function.__qualname__.split("."):
        target = getattr(target, part, None)
    return target is function


def _function_state(function: types.FunctionType) -> tuple:
    code = function.__code__
    names = _global_names(code)
    globals_ = {name: function.__globals__[name] for name in names if name in function.__globals__}
    if function in globals_.values():
        raise ByValueUnsupported(f"{function.__qualname__} refers to itself")
    try:
        closure = None if function.__closure__ is None else tuple(c.cell_contents for c in function.__closure__)
    except ValueError as error:  # an empty cell
        raise ByValueUnsupported(str(error)) from error
    return (marshal.dumps(code), globals_, function.__name__, function.__qualname__, function.__defaults__,
            function.__kwdefaults__, closure)


def _global_names(code: types.CodeType) -> set[str]:
    """Names a code object (and the code nested in it) may look up as globals."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names
