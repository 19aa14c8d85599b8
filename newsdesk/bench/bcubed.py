"""Item-weighted B-cubed precision, recall and F1 of a clustering against gold clusters.

B-cubed (Bagga & Baldwin 1998; Amigó et al. 2009) scores every item: precision is the share of its
predicted cluster that shares its gold cluster, recall the share of its gold cluster that shares its
predicted cluster; both are averaged over items. Unlike pairwise F1 it does not let the largest
clusters drown the rest, and unlike purity it punishes both over- and under-merging.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float]:
    """Scores over the items in ``gold`` (an item missing from ``predicted`` is its own cluster).

    Returns ``precision``, ``recall``, ``f1``, ``items``, ``clusters`` (predicted) and ``gold_clusters``.
    """
    pred = {item: predicted.get(item, f"\0missing:{item}") for item in gold}
    joint = Counter((pred[item], gold[item]) for item in gold)
    pred_sizes = Counter(pred.values())
    gold_sizes = Counter(gold.values())
    n = len(gold)
    if not n:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "items": 0, "clusters": 0, "gold_clusters": 0}
    # Each of the `count` items in cell (p, g) has precision count/|p| and recall count/|g|.
    precision = sum(count * count / pred_sizes[p] for (p, _), count in joint.items()) / n
    recall = sum(count * count / gold_sizes[g] for (_, g), count in joint.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "items": n,
        "clusters": len(pred_sizes),
        "gold_clusters": len(gold_sizes),
    }
