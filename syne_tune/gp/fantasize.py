"""Fantasizing targets for pending evaluations (Snoek et al., NeurIPS 2012).

Given the posterior on observed data ``X_obs: (n, d)``, draw ``num_samples`` joint samples of the
targets at ``X_pending: (p, d)`` and condition on observed + fantasized data, with the same
hyperparameters: the new state has ``Y: (n + p, num_samples)``, observed targets broadcast.
The Cholesky factor of the observed data is extended by blocks (:func:`extend_posterior`), O(n²p).
"""
from __future__ import annotations

import numpy as np

from syne_tune.gp.posterior import PosteriorState, extend_posterior, sample_joint


def fantasize(state: PosteriorState, X_pending: np.ndarray, num_samples: int,
              random_state: np.random.RandomState) -> PosteriorState:
    """Posterior on observed + pending inputs with ``num_samples`` fantasy columns."""
    if X_pending.shape[0] == 0:
        return state
    samples = sample_joint(state, X_pending, num_samples, random_state)
    # Noisy observations: add the Gaussian noise to the latent samples.
    noise = np.sqrt(state.params["noise_variance"][0])
    samples = samples + noise * random_state.normal(size=samples.shape)
    Y = np.vstack([np.repeat(state.Y[:, :1], num_samples, axis=1), samples])
    # Same hyperparameters, rows appended: extend the Cholesky factor instead of refactorizing.
    return extend_posterior(state, X_pending, Y)
