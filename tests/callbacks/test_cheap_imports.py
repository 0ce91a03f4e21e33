"""The tracker modules import no tool until a callback runs (see tests/test_imports.py); the framework
package imports none (syne_tune.frameworks.lightning imports Lightning: whoever imports it trains with it)."""
import importlib.util
import json
import subprocess
import sys

import pytest

TOOLS = ("mlflow", "tensorboardX", "tensorboard", "wandb", "torch", "lightning", "lightgbm", "xgboost")


@pytest.mark.parametrize("statement", [
    "import syne_tune.callbacks",
    "from syne_tune.callbacks import MLflowCallback, TensorboardCallback, WandbCallback",
    "import syne_tune.frameworks",
    pytest.param("from syne_tune.frameworks.lightgbm import ReportCallback",
                 marks=pytest.mark.skipif(importlib.util.find_spec("lightgbm") is None,
                                          reason="lightgbm is not installed: the module then raises, naming "
                                                 "the extra (tests/frameworks)")),
    "from syne_tune.optimizer.schedulers import AskTellScheduler",
])
def test_importing_a_callback_module_imports_no_tool(statement):
    code = f"import sys; {statement}; print([m for m in {TOOLS!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.replace("'", '"')) == []
