"""Gradient-boosted trees stored as plain numpy arrays, evaluated without scikit-learn.

We train with scikit-learn but ship only the trees' arrays (``.npz``, loaded with
``allow_pickle=False``): a pickled estimator breaks whenever scikit-learn's internals change, and
the runtime should not need scikit-learn at all. All trees are packed into one node table so a
batch of lines walks every tree at once, one vectorised step per tree level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class TreeEnsemble:
    """Binary classifier: sigmoid(baseline + sum of one leaf value per tree)."""

    feature: np.ndarray  # int, per node; leaves point at feature 0
    threshold: np.ndarray  # float, per node; go left when x <= threshold (leaves: +inf)
    missing_left: np.ndarray  # bool, per node: where a NaN goes
    left: np.ndarray  # int, global node index; leaves point at themselves
    right: np.ndarray
    value: np.ndarray  # float, leaf values (0 for split nodes)
    roots: np.ndarray  # int, the first node of each tree
    depth: int
    baseline: float

    def decision(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0)
        rows = np.arange(len(X))[:, None]
        node = np.broadcast_to(self.roots, (len(X), len(self.roots))).copy()
        for _ in range(self.depth):
            x = X[rows, self.feature[node]]
            go_left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
            node = np.where(go_left, self.left[node], self.right[node])
        return self.baseline + self.value[node].sum(axis=1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(X)))

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}feature": self.feature.astype(np.int16),
            f"{prefix}threshold": self.threshold,
            f"{prefix}missing_left": self.missing_left,
            f"{prefix}left": self.left.astype(np.int32),
            f"{prefix}right": self.right.astype(np.int32),
            f"{prefix}value": self.value,
            f"{prefix}roots": self.roots.astype(np.int32),
            f"{prefix}meta": np.array([self.depth, self.baseline]),
        }

    @classmethod
    def from_arrays(cls, arrays: Any, prefix: str) -> "TreeEnsemble":
        depth, baseline = arrays[f"{prefix}meta"]
        return cls(
            feature=arrays[f"{prefix}feature"].astype(np.intp),
            threshold=arrays[f"{prefix}threshold"],
            missing_left=arrays[f"{prefix}missing_left"],
            left=arrays[f"{prefix}left"].astype(np.intp),
            right=arrays[f"{prefix}right"].astype(np.intp),
            value=arrays[f"{prefix}value"],
            roots=arrays[f"{prefix}roots"].astype(np.intp),
            depth=int(depth),
            baseline=float(baseline),
        )

    @classmethod
    def from_sklearn(cls, estimator: Any) -> "TreeEnsemble":
        """Copy a fitted binary ``HistGradientBoostingClassifier``'s trees (training time only)."""
        parts, roots, offset, depth = [], [], 0, 0
        for (predictor,) in estimator._predictors:
            nodes = predictor.nodes
            leaf = nodes["is_leaf"].astype(bool)
            own = np.arange(len(nodes)) + offset
            parts.append((
                np.where(leaf, 0, nodes["feature_idx"]),
                np.where(leaf, np.inf, nodes["num_threshold"]),
                nodes["missing_go_to_left"].astype(bool),
                np.where(leaf, own, nodes["left"] + offset),
                np.where(leaf, own, nodes["right"] + offset),
                np.where(leaf, nodes["value"], 0.0),
            ))
            roots.append(offset)
            offset += len(nodes)
            depth = max(depth, int(nodes["depth"].max()))
        columns = [np.concatenate(c) for c in zip(*parts)]
        return cls(*columns, roots=np.array(roots), depth=depth,
                   baseline=float(np.ravel(estimator._baseline_prediction)[0]))
