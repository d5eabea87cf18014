"""The model's scale: log1p of the non-negative features, standardised over a set of customers.

K-Means clusters on it, segment names place medians on it, and matching pairs segments of two
runs on it, so "high" and "the same segment" mean the same thing everywhere.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.preprocessing import StandardScaler

# Spend and frequency are heavy-tailed: without log1p a few wholesalers become their own
# clusters and everyone else lands in one.


def log_features(values: ArrayLike) -> np.ndarray:
    """log1p of ``values`` with negatives clipped to 0 (features are counts and money)."""
    return np.log1p(np.clip(np.asarray(values, dtype=np.float64), 0, None))


def fit_scale(features: ArrayLike) -> StandardScaler:
    """A scaler fitted on the log1p features of these customers (constant columns keep scale 1)."""
    return StandardScaler().fit(log_features(features))


def on_scale(scale: StandardScaler, values: ArrayLike) -> np.ndarray:
    """``values`` (rows × features, same order as fitted) in the model's standardised space."""
    return scale.transform(log_features(values))
