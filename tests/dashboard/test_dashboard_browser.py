"""The dashboard in a real browser (headless Chromium driven by selenium) while a real experiment runs.

Skips, saying why, when chromium, chromedriver or selenium are missing; .ci/run installs them.
"""
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from syne_tune.dashboard.server import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
except ImportError:
    selenium = None

MISSING = ("the browser test needs chromium and chromedriver (apt-get install -y chromium chromium-driver) and "
           "selenium (pip install 'syne-tune[dashboard-test]'); .ci/run installs them")
# .ci/run sets SYNETUNE_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None or selenium is None) and not os.environ.get("SYNETUNE_REQUIRE_BROWSER"),
    reason=MISSING)

SCRIPT = Path(__file__).parents[1] / "scripts" / "configurable_script.py"
TUNING = textwrap.dedent("""
    import sys
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import choice, uniform
    from syne_tune.optimizer.baselines import RandomSearch

    space = {"x": uniform(0, 1), "text": choice(["a", "b"]), "epochs": 3, "sleep": 0.4}
    Tuner(LocalBackend(sys.argv[1]), RandomSearch(space, metric="loss", mode="min", random_seed=0),
          StoppingCriterion(max_num_trials_started=40), n_workers=2, sleep_time=0.2,
          tuner_name="live-run", progress="off").run()
""")


@pytest.fixture(autouse=True)
def _browser_present():
    if CHROMIUM is None or CHROMEDRIVER is None or selenium is None:
        pytest.fail(MISSING + " (SYNETUNE_REQUIRE_BROWSER is set)")


@pytest.fixture
def running_experiment(_results_root, tmp_path):
    """A real tuning process (LocalBackend, a script sleeping between reports) in the background."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")]))
    log = open(tmp_path / "tuning.log", "w")
    process = subprocess.Popen([sys.executable, "-c", TUNING, str(SCRIPT)], env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while not list(_results_root.glob("live-run*/metadata.json")):
        assert process.poll() is None, (tmp_path / "tuning.log").read_text()
        assert time.time() < deadline, "the experiment did not start within 60 s"
        time.sleep(0.2)
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture
def finished_multi_objective(_results_root):
    """A finished MOASHA run (simulated, so it takes a second) with a float, a log-scaled, a categorical
    and an integer hyperparameter."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.blackbox_repository import UserBlackboxBackend
    from syne_tune.blackbox_repository.blackbox import from_function
    from syne_tune.config_space import choice, loguniform, randint, uniform
    from syne_tune.optimizer.baselines import MOASHA

    space = {"x": uniform(0, 1), "lr": loguniform(1e-4, 1e-1), "act": choice(["relu", "tanh"]),
             "layers": randint(1, 4)}

    def objectives(config, epoch, seed):
        return {"error": (config["x"] - 0.3) ** 2 + 0.3 / epoch, "size": 10.0 * config["layers"] + config["x"],
                "elapsed_time": 10.0 * epoch}

    blackbox = from_function(space, objectives, fidelity_space={"epoch": randint(1, 9)},
                             objectives_names=["error", "size", "elapsed_time"], fidelity_values=list(range(1, 10)))
    tuner = Tuner(UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time"),
                  MOASHA(space, metric=["error", "size"], mode=["min", "min"], resource_attr="epoch", max_t=9,
                         random_seed=0),
                  StoppingCriterion(max_num_trials_started=30), n_workers=4, progress="off", tuner_name="mo-finished")
    tuner.run()
    return tuner.name


@pytest.fixture
def dashboard(_results_root):
    server = make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1200", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _retry(action, attempts=30):
    """``action()``, again while the page re-renders under it (a stale element)."""
    from selenium.common.exceptions import StaleElementReferenceException

    for _ in range(attempts - 1):
        try:
            return action()
        except StaleElementReferenceException:
            time.sleep(0.1)
    return action()


# Pixels of an image whose channels differ by more than 40: coloured marks, not the black, grey and
# white of axes, text and background. The right 30 % (a colour bar) is left out.
_COLOURED_PIXELS = """
const image = arguments[0];
if (!image.complete || !image.naturalWidth) return -1;
const canvas = document.createElement("canvas");
canvas.width = image.naturalWidth;
canvas.height = image.naturalHeight;
const context = canvas.getContext("2d");
context.drawImage(image, 0, 0);
const pixels = context.getImageData(0, 0, Math.floor(0.7 * canvas.width), canvas.height).data;
let coloured = 0;
for (let i = 0; i < pixels.length; i += 4) {
  const r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
  if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
}
return coloured;
"""


def _plots_drawn(browser, expected: set[str]) -> dict[str, int]:
    """Waits until every analysis plot of the page has loaded or says why it is missing; returns the
    coloured pixels of each loaded one, by kind. Fails naming the kinds that did not load."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def loaded(driver):
        found = {}
        for image in driver.find_elements(By.CSS_SELECTOR, "#plots img"):
            count = driver.execute_script(_COLOURED_PIXELS, image)
            if count < 0:
                return False  # still loading
            found[image.get_attribute("alt").removesuffix(" plot")] = count
        return found if set(found) >= expected else False

    try:
        return _retry(lambda: WebDriverWait(browser, 90, poll_frequency=0.5).until(loaded))
    except Exception:
        missing = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#plots .missing")]
        pytest.fail(f"plots {sorted(expected)} did not all load within 90 s; missing: {missing}")


def test_dashboard_shows_a_running_experiment_growing(running_experiment, finished_multi_objective, dashboard,
                                                       browser, tmp_path):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(dashboard)
    wait = WebDriverWait(browser, 60, poll_frequency=0.3, ignored_exceptions=[StaleElementReferenceException])
    listed = "#experiments tr[data-name^='live-run']"
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, listed))
    assert "running" in _retry(lambda: browser.find_element(By.CSS_SELECTOR, listed).text)
    browser.save_screenshot(str(tmp_path / "dashboard-list.png"))
    _retry(lambda: browser.find_element(By.CSS_SELECTOR, listed + " a").click())

    def trial_count(driver):
        found = driver.find_elements(By.ID, "trial-count")
        return int(found[0].text) if found and found[0].text.isdigit() else None

    first = wait.until(trial_count)
    grown = wait.until(lambda d: (trial_count(d) or 0) > first and trial_count(d))  # no reload: polling
    assert grown > first and running_experiment.poll() is None
    assert _retry(lambda: browser.find_element(By.ID, "status").text) == "running"
    assert browser.find_elements(By.CSS_SELECTOR, "#best-curve path")  # the best-so-far curve is drawn
    for _ in range(2):  # ascending, then descending trial ids
        _retry(lambda: browser.find_elements(By.CSS_SELECTOR, "#trials th")[0].click())

    def trial_ids(driver):
        rows = driver.find_elements(By.CSS_SELECTOR, "#trials tr")[1:]
        return [int(r.find_elements(By.TAG_NAME, "td")[0].text) for r in rows]

    ids = _retry(lambda: trial_ids(browser))
    assert ids == sorted(ids, reverse=True) and len(ids) >= first
    drawn = _plots_drawn(browser, {"parallel", "slice", "contour", "edf"})  # a running single-objective run
    assert all(drawn[kind] > 20 for kind in ("parallel", "slice", "contour", "edf")), drawn  # lines, points drawn
    screenshot = tmp_path / "dashboard.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10000

    browser.get(dashboard + "#/experiment/" + finished_multi_objective)  # a finished multi-objective run
    wait.until(lambda d: _retry(lambda: d.find_element(By.ID, "status").text) == "finished")
    kinds = {"parallel", "slice", "contour", "edf", "pareto", "importance"}
    drawn = _plots_drawn(browser, kinds)
    assert all(drawn[kind] > 20 for kind in kinds), drawn
    browser.save_screenshot(str(tmp_path / "dashboard-multi-objective.png"))
    print(f"screenshots in {tmp_path}")
