"""Prints a pip constraints file pinning every ``name>=version`` requirement of syne-tune to ``version``.

Run with the Python of an environment where syne-tune is installed (its metadata lists the
requirements of the core and of every extra). CI installs the package with these pins to check
that the lower bounds declared in setup.py are true.
"""
import re
from importlib.metadata import requires

LOWER_BOUND = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][^,;\s]*)\s*(?:;.*)?$")


def lowest_pins() -> list[str]:
    pins = {}
    for requirement in requires("syne-tune") or []:
        match = LOWER_BOUND.match(requirement)
        if match:
            name, version = match.group(1).lower(), match.group(2)
            if pins.setdefault(name, version) != version:
                raise SystemExit(f"{name} has two lower bounds in setup.py: {pins[name]} and {version}")
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


if __name__ == "__main__":
    print("\n".join(lowest_pins()))
