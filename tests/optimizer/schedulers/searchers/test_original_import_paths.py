"""Import paths of the original library for the GP searchers."""
import json
import subprocess
import sys


def test_gp_searchers_are_exported_from_the_searchers_package():
    from syne_tune.optimizer.schedulers.searchers import GPFIFOSearcher, GPMultiFidelitySearcher
    from syne_tune.optimizer.schedulers.searchers.gp_fifo_searcher import GPFIFOSearcher as Aliased
    from syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher import GPMultiFidelitySearcher as MF
    from syne_tune.optimizer.schedulers.searchers.gp_searcher import GPFIFOSearcher as Original
    assert GPFIFOSearcher is Aliased is Original and GPMultiFidelitySearcher is MF


def test_the_searchers_package_imports_the_gp_stack_only_on_use():
    code = ("import sys; import syne_tune.optimizer.schedulers.searchers as s; before = 'scipy' in sys.modules; "
            "s.GPFIFOSearcher; print([before, 'scipy' in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.lower()) == [False, True]
