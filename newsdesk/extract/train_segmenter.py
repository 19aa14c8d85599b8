"""Train the plain-text line segmenter and write ``models/segmenter.npz``.

Data: WCXB dev articles rendered to plain text, every line labelled article (1) or not (0)
(``../shared/data/extraction/wcxb-dev-articles/plaintext.jsonl``). A fixed share of pages is held
out of the shipped model and their ids are stored in the model file, so the quality test can score
the shipped model on pages it never saw without retraining. The training pages are joined by crops,
clean texts and re-wrapped texts made from them (``train_augment``). The second stage is trained on
out-of-fold first-stage probabilities: trained on in-sample ones it would learn to trust the first
stage far more than it deserves on new pages. The decision threshold is the one that maximises
line-F1 over the real training pages' out-of-fold probabilities (the mean of the two stages).

Run: ``python -m newsdesk.extract.train_segmenter [--data FILE] [--out FILE]``.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np

from newsdesk.bench import shared_data
from newsdesk.extract.line_features import LEXICAL_BUCKETS, page_features, token_ids
from newsdesk.extract.segmenter import (
    MODEL_PATH,
    ArticleModel,
    blend,
    lexical_logits,
    stage1_input,
    stage2_features,
)
from newsdesk.extract.tree_model import TreeEnsemble

HOLDOUT_SHARE = 0.2
INNER_FOLDS = 3
AUGMENT_WEIGHT = 0.3
# 60 rounds at 0.2 scored as well in cross-validation as 300 at 0.1, at a fifth of the time.
BOOSTING = dict(max_iter=60, learning_rate=0.2, max_leaf_nodes=31, min_samples_leaf=40,
                l2_regularization=1.0, early_stopping=False, random_state=0)


def default_data_file() -> Path:
    return shared_data() / "extraction" / "wcxb-dev-articles" / "plaintext.jsonl"


@dataclass
class LabelledPage:
    id: str
    lines: list[str]
    labels: np.ndarray
    group: str = ""  # the real page an augmented page was made from; folds and hold-out go by it

    def __post_init__(self) -> None:
        self.group = self.group or self.id

    @property
    def weight(self) -> float:
        """Extra pages count for less than real ones: they keep clean text from reading as
        furniture, but the model is judged on real pages."""
        return 1.0 if self.id == self.group else AUGMENT_WEIGHT


def load_pages(path: Path, limit: int | None = None) -> list[LabelledPage]:
    pages = []
    with path.open(encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            pages.append(LabelledPage(row["id"], row["lines"], np.asarray(row["labels"], dtype=int)))
            if limit and len(pages) >= limit:
                break
    return pages


def is_held_out(page_id: str) -> bool:
    """A stable 20% of pages, by a hash of the id, that the shipped model never trains on."""
    return zlib.crc32(page_id.encode()) % 100 < HOLDOUT_SHARE * 100


def fold_of(page_id: str, folds: int) -> int:
    return zlib.crc32(b"fold" + page_id.encode()) % folds


def _fit_trees(X: np.ndarray, y: np.ndarray, weight: np.ndarray) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    # One thread: on a shared 2-core machine OpenMP's spinning threads made fits 6x slower, not faster.
    with threadpool_limits(1):
        fitted = HistGradientBoostingClassifier(**BOOSTING).fit(X, y, sample_weight=weight)
    trees = TreeEnsemble.from_sklearn(fitted)
    sample = X[:2000]
    if not np.allclose(trees.predict_proba(sample), fitted.predict_proba(sample)[:, 1], atol=1e-6):
        raise RuntimeError("exported trees disagree with scikit-learn: has its tree layout changed?")
    return trees


def _token_matrix(pages: list[LabelledPage]):
    from scipy.sparse import csr_matrix

    ids = [token_ids(line) for p in pages for line in p.lines]
    indptr = np.concatenate([[0], np.cumsum([len(i) for i in ids])])
    data = np.ones(indptr[-1])
    return csr_matrix((data, np.concatenate(ids), indptr), shape=(len(ids), LEXICAL_BUCKETS))


def _fit_lexical(pages: list[LabelledPage]) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    y = np.concatenate([p.labels for p in pages])
    weight = np.concatenate([np.full(len(p.labels), p.weight) for p in pages])
    model = LogisticRegression(C=0.5, solver="liblinear").fit(_token_matrix(pages), y, sample_weight=weight)
    return np.concatenate([model.coef_[0], model.intercept_])


def _training_matrix(rows: list[np.ndarray], pages: list[LabelledPage]) -> tuple[np.ndarray, ...]:
    return (np.vstack(rows), np.concatenate([p.labels for p in pages]),
            np.concatenate([np.full(len(p.labels), p.weight) for p in pages]))


def _out_of_fold(rows: list[np.ndarray], pages: list[LabelledPage], folds: np.ndarray) -> list[np.ndarray]:
    """Probabilities of every page from trees fitted on the other folds."""
    result: list[np.ndarray] = [np.empty(0)] * len(rows)
    for k in np.unique(folds):
        train = np.flatnonzero(folds != k)
        trees = _fit_trees(*_training_matrix([rows[i] for i in train], [pages[i] for i in train]))
        for i in np.flatnonzero(folds == k):
            result[i] = trees.predict_proba(rows[i])
    return result


def _lexical_out_of_fold(pages: list[LabelledPage], folds: np.ndarray) -> list[np.ndarray]:
    result: list[np.ndarray] = [np.empty(0)] * len(pages)
    for k in np.unique(folds):
        weights = _fit_lexical([p for p, f in zip(pages, folds) if f != k])
        for i in np.flatnonzero(folds == k):
            result[i] = lexical_logits(weights, pages[i].lines)
    return result


def _stacked_inputs(pages: list[LabelledPage], features: list[np.ndarray], folds: np.ndarray
                    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Stage-1 inputs with out-of-fold lexical logits, stage 1's out-of-fold probabilities and the
    stage-2 inputs made from them."""
    logits = _lexical_out_of_fold(pages, folds)
    first_inputs = [stage1_input(f, g) for f, g in zip(features, logits)]
    first = _out_of_fold(first_inputs, pages, folds)
    return first_inputs, first, [stage2_features(x, p) for x, p in zip(first_inputs, first)]


def best_threshold(labels: list[np.ndarray], probs: list[np.ndarray]) -> float:
    """The cut on article probability with the highest micro line-F1."""
    y = np.concatenate(labels).astype(bool)
    p = np.concatenate(probs)
    grid = np.arange(0.2, 0.81, 0.025)
    scores = []
    for cut in grid:
        chosen = p >= cut
        tp = (chosen & y).sum()
        scores.append(2 * tp / max(1, chosen.sum() + y.sum()))
    return float(grid[int(np.argmax(scores))])


def fit(pages: list[LabelledPage], features: list[np.ndarray]) -> ArticleModel:
    """Stage 2 trains on stage 1's out-of-fold outputs, never on in-sample ones; the threshold is
    tuned on both stages' out-of-fold outputs for the real pages (crops and clean texts left out:
    they are not what the model meets)."""
    inner = np.array([fold_of(p.group + "inner", INNER_FOLDS) for p in pages])
    first_inputs, first, second_inputs = _stacked_inputs(pages, features, inner)
    second = _out_of_fold(second_inputs, pages, inner)
    real = [i for i, p in enumerate(pages) if p.id == p.group]
    threshold = best_threshold([pages[i].labels for i in real], [blend(first[i], second[i]) for i in real])
    stages = [_fit_trees(*_training_matrix(inputs, pages)) for inputs in (first_inputs, second_inputs)]
    return ArticleModel(_fit_lexical(pages), *stages, threshold=threshold)


def cross_validate(pages: list[LabelledPage], folds: int = 5, augment: bool = True,
                   progress: bool = False) -> list[np.ndarray]:
    """Held-out article decisions of every page, k-fold grouped by page, with the shipped recipe.

    Nested: for each fold the whole of ``fit`` (its inner folds, its threshold) runs on the other
    folds' pages only, and with ``augment`` on the extra pages made from those pages alone
    (``train_augment``), so nothing a fold is scored on (a page, its crop, its gold body, its
    header and footer lines) reaches the model that scores it.
    """
    from newsdesk.extract.train_augment import augment_from

    assignment = np.array([fold_of(p.id, folds) for p in pages])
    decisions: list[np.ndarray] = [np.empty(0, bool)] * len(pages)
    for k in range(folds):
        train = [p for p, f in zip(pages, assignment) if f != k]
        if augment:
            train = train + augment_from(train, shared_data())
        model = fit(train, [page_features(p.lines) for p in train])
        for i in np.flatnonzero(assignment == k):
            decisions[i] = model.is_article(pages[i].lines)
        if progress:
            click.echo(f"fold {k + 1}/{folds} done (threshold {model.threshold:.3f})", err=True)
    return decisions


def line_prf(pages: list[LabelledPage], predictions: list[np.ndarray]) -> dict[str, float]:
    """Micro precision/recall/F1 of the article label over all lines."""
    y = np.concatenate([p.labels for p in pages]).astype(bool)
    pred = np.concatenate(predictions).astype(bool)
    tp, fp, fn = (y & pred).sum(), (~y & pred).sum(), (y & ~pred).sum()
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1), "lines": int(len(y))}


@click.command()
@click.option("--data", type=click.Path(exists=True, path_type=Path), default=None, help="plaintext.jsonl")
@click.option("--out", type=click.Path(path_type=Path), default=MODEL_PATH, show_default=True)
def main(data: Path | None, out: Path) -> None:
    from newsdesk.extract.train_augment import augment_from

    pages = load_pages(data or default_data_file())
    train = [p for p in pages if not is_held_out(p.id)]
    held = [p for p in pages if is_held_out(p.id)]
    train += augment_from(train, shared_data())
    model = fit(train, [page_features(p.lines) for p in train])
    held_ids = np.array(sorted(p.id for p in held))
    # Written beside the target and moved in one step: a reader never sees a half-written model.
    partial = out.with_suffix(".tmp.npz")
    model.save(partial, {"held_out_ids": held_ids})
    partial.replace(out)
    scores = line_prf(held, [model.is_article(p.lines) for p in held])
    click.echo(f"trained on {len(train)} pages (threshold {model.threshold:.3f}); held out {len(held)}: line P/R/F1 "
               f"{scores['precision']:.3f}/{scores['recall']:.3f}/{scores['f1']:.3f}; wrote {out} "
               f"({out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
