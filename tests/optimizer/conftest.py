"""Makes the scheduler test helpers (schedulers/scripted_tuner.py) importable from every test folder below."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "schedulers"))
