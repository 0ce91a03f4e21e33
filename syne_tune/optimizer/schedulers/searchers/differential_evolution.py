"""Differential evolution on the unit cube: DEHB's variation and selection (Awad et al., 2021,
"DEHB: Evolutionary Hyperband for Scalable, Robust and Efficient Hyperparameter Optimization";
Storn & Price, 1997, for rand/1/bin).

Notation: ``p`` hyperparameters, one coordinate each in [0, 1] (:class:`UnitEncoding`);
``pool: (m, p)`` candidate parents, ``target, mutant: (p,)``.
"""
from __future__ import annotations

import math

import numpy as np


MIN_PARENTS = 3  # rand/1 needs three distinct parents


def mutate_rand1(pool: np.ndarray, mutation_factor: float, random_state: np.random.RandomState) -> np.ndarray:
    """``a + F * (b - c)`` for three distinct rows a, b, c of ``pool``; coordinates that leave
    [0, 1] are redrawn uniformly (DEHB's 'random' boundary fix)."""
    if pool.shape[0] < MIN_PARENTS:
        raise ValueError(f"rand/1 mutation needs at least {MIN_PARENTS} parents. Got {pool.shape[0]}.")
    a, b, c = pool[random_state.choice(pool.shape[0], size=MIN_PARENTS, replace=False)]
    mutant = a + mutation_factor * (b - c)
    outside = (mutant < 0.0) | (mutant > 1.0)
    mutant[outside] = random_state.uniform(size=int(outside.sum()))
    return mutant


def crossover_binomial(target: np.ndarray, mutant: np.ndarray, crossover_probability: float,
                       random_state: np.random.RandomState) -> np.ndarray:
    """Each coordinate from ``mutant`` with probability ``crossover_probability``, else from
    ``target``; one random coordinate always comes from the mutant, so the child differs."""
    take = random_state.uniform(size=target.shape[0]) < crossover_probability
    take[random_state.randint(target.shape[0])] = True
    return np.where(take, mutant, target)


def child_replaces_target(child_loss: float, target_loss: float) -> bool:
    """DE selection: the child takes the target's place if it is at least as good (ties go to the
    child, as in DEHB, which keeps the population moving on plateaus). A non-finite loss never wins."""
    return math.isfinite(child_loss) and child_loss <= target_loss


class UnitEncoding:
    """Configs <-> points of [0, 1]^p, one coordinate per hyperparameter (as DEHB's vectors).

    Numeric domains use :class:`~syne_tune.gp.encoding.ConfigEncoding`'s coordinate (log scale
    for log domains). A categorical with k values (one-hot there) takes ``(index + 0.5) / k``
    and decodes by the bin ``floor(u * k)``, so mutation moves between categories.
    """

    def __init__(self, config_space: dict):
        from syne_tune.gp.encoding import ConfigEncoding  # scipy: loaded when DEHB/BORE are built, not imported

        self.encoding = ConfigEncoding(config_space)
        self.columns = self.encoding.columns
        self.dim = len(self.columns)

    def encode(self, config: dict) -> np.ndarray:
        x = self.encoding.encode([config])[0]
        u = np.empty(self.dim)
        for j, col in enumerate(self.columns):
            block = x[col.start:col.start + col.width]
            u[j] = (np.argmax(block) + 0.5) / col.width if col.one_hot else block[0]
        return u

    def decode(self, u: np.ndarray) -> dict:
        x = np.zeros(self.encoding.dim)
        for j, col in enumerate(self.columns):
            if col.one_hot:
                x[col.start + min(int(u[j] * col.width), col.width - 1)] = 1.0
            else:
                x[col.start] = u[j]
        return self.encoding.decode(x)
