"""Test helper: numerical gradients to check the GP core's analytic ones against."""
import numpy as np


def numeric_gradient(f, x, eps=1e-6):
    """Central differences of scalar f at array x (any shape)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
