"""Renders the pictures of docs/analysis.md into docs/images/: python docs/images/render_analysis.py

Runs three small simulated experiments (random search, ASHA and MOASHA on a synthetic function
with a float, a log-scaled float, a categorical and an integer hyperparameter) in a temporary
results folder, draws every analysis plot, and photographs the dashboard with headless Chromium
(skipped, with a message, when chromium or selenium is missing).
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))
os.environ["SYNETUNE_FOLDER"] = tempfile.mkdtemp(prefix="analysis-pictures-")

from syne_tune import StoppingCriterion, Tuner  # noqa: E402
from syne_tune.blackbox_repository import UserBlackboxBackend  # noqa: E402
from syne_tune.blackbox_repository.blackbox import from_function  # noqa: E402
from syne_tune.config_space import choice, loguniform, randint, uniform  # noqa: E402
from syne_tune.experiments import load_experiment  # noqa: E402
from syne_tune.optimizer.baselines import ASHA, MOASHA, RandomSearch  # noqa: E402

SPACE = {"x": uniform(0, 1), "lr": loguniform(1e-5, 1e-1), "activation": choice(["relu", "tanh", "elu"]),
         "layers": randint(1, 6)}


def objectives(config, epoch, seed):
    """``x`` matters most, ``lr`` somewhat (best near 1e-3), ``layers`` a little, ``activation`` not at all."""
    import math

    error = (2 * (config["x"] - 0.3) ** 2 + 0.04 * (math.log10(config["lr"]) + 3) ** 2
             + 0.01 * abs(config["layers"] - 3) + 0.5 / epoch)
    return {"error": error, "latency": 2.0 * config["layers"] + 3 * config["x"], "elapsed_time": 5.0 * epoch}


def run(scheduler, name: str, trials: int = 120) -> str:
    blackbox = from_function(SPACE, objectives, fidelity_space={"epoch": randint(1, 27)},
                             objectives_names=["error", "latency", "elapsed_time"],
                             fidelity_values=list(range(1, 28)))
    tuner = Tuner(UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time"), scheduler,
                  StoppingCriterion(max_num_trials_started=trials), n_workers=4, progress="off", tuner_name=name,
                  metadata={"method": name})
    tuner.run()
    return tuner.name


def save(axes, name: str) -> None:
    import numpy as np

    figure = getattr(axes, "figure", None) or np.atleast_1d(axes)[0].figure
    figure.savefig(HERE / name, dpi=90, bbox_inches="tight")
    matplotlib.pyplot.close(figure)
    print("wrote", HERE / name)


def dashboard_screenshots(name: str) -> None:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        driver = None
    if not chromium or not driver:
        print("no dashboard pictures: install chromium, chromium-driver and selenium")
        return
    from syne_tune.dashboard.server import make_server

    server = make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1300,1500", f"--user-data-dir={profile}", "--hide-scrollbars"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(driver), options=options)
    try:
        browser.get(url)
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#experiments tr[data-name]"))
        browser.set_window_size(1300, 400)
        browser.save_screenshot(str(HERE / "dashboard_list.png"))
        browser.set_window_size(1300, 1500)
        browser.get(url + "#/experiment/" + name)
        # every plot loaded (the page renders them one at a time on the server; a screenshot taken
        # when some were done showed an empty panel)
        WebDriverWait(browser, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#plots figure") and all(
            d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)
            for i in d.find_elements(By.CSS_SELECTOR, "#plots img")))
        browser.save_screenshot(str(HERE / "dashboard_experiment.png"))
        print("wrote dashboard_list.png, dashboard_experiment.png")
    finally:
        browser.quit()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)


def main() -> None:
    from syne_tune.plots.edf import plot_edf

    names = {
        "RS": run(RandomSearch(SPACE, metric="error", mode="min", random_seed=1), "RS"),
        "ASHA": run(ASHA(SPACE, metric="error", mode="min", resource_attr="epoch", max_t=27, random_seed=2), "ASHA"),
        "MOASHA": run(MOASHA(SPACE, metric=["error", "latency"], mode=["min", "min"], resource_attr="epoch",
                             max_t=27, random_seed=3), "MOASHA"),
    }
    asha, rs, moasha = (load_experiment(names[k]) for k in ("ASHA", "RS", "MOASHA"))
    print(rs.importance())
    save(rs.plot_analysis("importance"), "analysis_importance.png")
    save(rs.plot_analysis("slice"), "analysis_slice.png")
    save(rs.plot_analysis("parallel"), "analysis_parallel.png")
    save(rs.plot_analysis("contour", params=("x", "lr")), "analysis_contour.png")
    save(plot_edf([rs, asha]), "analysis_edf.png")
    save(moasha.plot_analysis("pareto"), "analysis_pareto.png")
    dashboard_screenshots(names["ASHA"])


if __name__ == "__main__":
    main()
