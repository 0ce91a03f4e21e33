"""Makes the scheduler test helpers (scheduler_driver.py) importable from sub-folders."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
