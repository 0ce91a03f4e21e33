"""Makes the scheduler test helpers (scripted_tuner.py) importable from sub-folders."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
