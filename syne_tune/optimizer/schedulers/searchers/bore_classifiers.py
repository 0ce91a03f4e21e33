"""Classifiers for BORE: estimate P(z = 1 | x), z = 1 for the best ``gamma`` share of observations.

``numpy_mlp`` is ours (numpy and scipy only, so BORE works with the core install). The original
library's names load scikit-learn or xgboost lazily, from the ``bore`` extra:
``xgboost`` (xgboost.XGBClassifier), ``logreg``, ``rf`` (random forest), ``gp`` (Gaussian process
classifier) and ``mlp`` (scikit-learn's MLPClassifier). Each classifier offers ``fit(X, z)`` and
``probability_of_good(X)``; shapes: ``X: (n, d)`` encoded configs in [0, 1], ``z: (n,)`` in {0, 1}.
"""
from __future__ import annotations

import contextlib
import importlib
import inspect

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from syne_tune._lazy_exports import load_attribute
from syne_tune._validation import bad_argument

# name -> ("module:Class", pip package) of the classifiers behind the ``bore`` extra
EXTRA_CLASSIFIERS = {
    "xgboost": ("xgboost:XGBClassifier", "xgboost"),
    "logreg": ("sklearn.linear_model:LogisticRegression", "scikit-learn"),
    "rf": ("sklearn.ensemble:RandomForestClassifier", "scikit-learn"),
    "gp": ("sklearn.gaussian_process:GaussianProcessClassifier", "scikit-learn"),
    "mlp": ("sklearn.neural_network:MLPClassifier", "scikit-learn"),
}
CLASSIFIERS = ("numpy_mlp",) + tuple(EXTRA_CLASSIFIERS)


def _one_blas_thread():
    """BLAS limited to one thread while fitting (threadpoolctl, if installed): the matrices are
    tiny, and OpenBLAS threads made a fit ~10x slower on a loaded 2-core machine (0.4 s -> 6 s)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class NumpyMLPClassifier:
    """One hidden tanh layer and a logistic output, fitted by L-BFGS on the L2-regularized mean
    cross-entropy (a small network, as BORE-MLP in Tiao et al., 2021, sized for tens to hundreds of
    observations). Deterministic given ``random_state``.

    Args:
        hidden_units: width of the hidden layer.
        alpha: weight of ``0.5 * ||W||^2`` (weights, not biases) in the loss.
        max_iter: L-BFGS iterations.
    """

    def __init__(self, hidden_units: int = 32, alpha: float = 1e-3, max_iter: int = 200,
                 random_state: np.random.RandomState | None = None):
        self.hidden_units, self.alpha, self.max_iter = hidden_units, alpha, max_iter
        self.random_state = random_state if random_state is not None else np.random.RandomState()
        self._params: tuple | None = None

    def _unpack(self, theta: np.ndarray, d: int):
        h = self.hidden_units
        W1 = theta[:d * h].reshape(d, h)
        b1 = theta[d * h:d * h + h]
        w2 = theta[d * h + h:d * h + 2 * h]
        return W1, b1, w2, theta[-1]

    def fit(self, X: np.ndarray, z: np.ndarray) -> "NumpyMLPClassifier":
        X = 2.0 * np.asarray(X, dtype=float) - 1.0
        z = np.asarray(z, dtype=float)
        n, d = X.shape
        h = self.hidden_units
        share = np.clip(z.mean(), 1e-3, 1 - 1e-3)
        theta0 = np.concatenate([self.random_state.normal(scale=1.0 / np.sqrt(d), size=d * h), np.zeros(h),
                                 self.random_state.normal(scale=1.0 / np.sqrt(h), size=h),
                                 [np.log(share / (1 - share))]])

        def loss_and_grad(theta):
            W1, b1, w2, b2 = self._unpack(theta, d)
            A = np.tanh(X @ W1 + b1)  # (n, h)
            f = A @ w2 + b2  # (n,) logits
            loss = np.mean(np.logaddexp(0.0, f) - z * f) + 0.5 * self.alpha * (np.sum(W1 ** 2) + np.sum(w2 ** 2))
            g = (expit(f) - z) / n  # d loss / d f
            dA = np.outer(g, w2) * (1.0 - A ** 2)
            grad = np.concatenate([(X.T @ dA + self.alpha * W1).ravel(), dA.sum(axis=0),
                                   A.T @ g + self.alpha * w2, [g.sum()]])
            return loss, grad

        with _one_blas_thread():
            theta = minimize(loss_and_grad, theta0, jac=True, method="L-BFGS-B",
                             options={"maxiter": self.max_iter}).x
        self._params = (theta, d)
        return self

    def probability_of_good(self, X: np.ndarray) -> np.ndarray:
        theta, d = self._params
        W1, b1, w2, b2 = self._unpack(theta, d)
        return expit(np.tanh((2.0 * np.asarray(X, dtype=float) - 1.0) @ W1 + b1) @ w2 + b2)


class _ExtraClassifier:
    """A scikit-learn style classifier; the probability is that of class 1 (the original read
    column 0, class 0, for 'gp' and 'mlp', i.e. preferred the worst configs).

    ``calibrate``: Platt scaling by cross-validation (scikit-learn's CalibratedClassifierCV with
    ``method='sigmoid'``, the choice for small data), with ``min(3, size of the smaller class)``
    folds; with fewer than 2 members in a class the classifier is used uncalibrated.
    """

    def __init__(self, model, calibrate: bool = False):
        self.model, self.calibrate = model, calibrate
        self.fitted = None

    def fit(self, X: np.ndarray, z: np.ndarray) -> "_ExtraClassifier":
        z = np.asarray(z).astype(int)
        folds = min(3, int(z.sum()), int(len(z) - z.sum()))
        if self.calibrate and folds >= 2:
            calibration = _load_extra_module("sklearn.calibration", "calibrate=True")
            self.fitted = calibration.CalibratedClassifierCV(self.model, method="sigmoid", cv=folds).fit(X, z)
        else:
            self.fitted = self.model.fit(X, z)
        return self

    def probability_of_good(self, X: np.ndarray) -> np.ndarray:
        proba = self.fitted.predict_proba(X)
        return proba[:, list(self.fitted.classes_).index(1)]


def _load_extra(name: str) -> type:
    path, package = EXTRA_CLASSIFIERS[name]
    try:
        return load_attribute(path)
    except ImportError as error:
        raise ImportError(
            f"BORE's classifier='{name}' needs {package}, which is not installed. Install the extra: "
            f"pip install 'syne-tune[bore]' (or use classifier='numpy_mlp', which needs nothing more).") from error


def check_classifier(owner: str, name: str) -> None:
    """Rejects unknown names, and names whose package is missing (at construction, not at the
    first model fit, which comes only after ``init_random`` trials)."""
    if name not in CLASSIFIERS:
        raise bad_argument(owner, "classifier", "one of " + ", ".join(repr(c) for c in CLASSIFIERS), name)
    if name in EXTRA_CLASSIFIERS:
        _load_extra(name)


def make_classifier(name: str, classifier_kwargs: dict | None, random_state: np.random.RandomState,
                    calibrate: bool = False):
    """A new, unfitted classifier ``name`` (one of CLASSIFIERS) with ``classifier_kwargs``.

    ``calibrate``: see :class:`_ExtraClassifier` (needs scikit-learn, the ``bore`` extra).
    """
    kwargs = dict(classifier_kwargs or {})
    seed = int(random_state.randint(0, 2 ** 31 - 1))
    if name == "numpy_mlp":
        model = NumpyMLPClassifier(random_state=np.random.RandomState(seed), **kwargs)
        if not calibrate:
            return model
        _load_extra_module("sklearn", "calibrate=True")
        model = _numpy_mlp_estimator(model)
    else:
        cls = _load_extra(name)
        if "random_state" in inspect.signature(cls.__init__).parameters or name == "xgboost":
            kwargs.setdefault("random_state", seed)
        model = cls(**kwargs)
    return _ExtraClassifier(model, calibrate)


def _load_extra_module(module_name: str, what: str):
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        raise ImportError(f"BORE's {what} needs scikit-learn, which is not installed. Install the extra: "
                          "pip install 'syne-tune[bore]'.") from error


def _numpy_mlp_estimator(model: NumpyMLPClassifier):
    """``model`` as a scikit-learn estimator (for CalibratedClassifierCV, which clones it per fold)."""
    from sklearn.base import BaseEstimator, ClassifierMixin

    class NumpyMLPEstimator(ClassifierMixin, BaseEstimator):
        def __init__(self, hidden_units: int = 32, alpha: float = 1e-3, max_iter: int = 200, seed: int = 0):
            self.hidden_units, self.alpha, self.max_iter, self.seed = hidden_units, alpha, max_iter, seed

        def fit(self, X, z):
            self.model_ = NumpyMLPClassifier(self.hidden_units, self.alpha, self.max_iter,
                                             np.random.RandomState(self.seed)).fit(X, z)
            self.classes_ = np.array([0, 1])
            return self

        def predict_proba(self, X):
            p = self.model_.probability_of_good(X)
            return np.column_stack([1.0 - p, p])

        def predict(self, X):
            return (self.model_.probability_of_good(X) > 0.5).astype(int)

    return NumpyMLPEstimator(model.hidden_units, model.alpha, model.max_iter,
                             int(model.random_state.randint(0, 2 ** 31 - 1)))
