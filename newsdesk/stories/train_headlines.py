"""Fit the headline keep model (``compress.MODEL``) on BBC titles aligned to the lead sentence.

A token of the compressed lead is labelled "keep" when its stem or its lemma's (rouge-score's Porter
stemmer, the one ROUGE is scored with) occurs in the publisher's title. Only the business/politics/sport half is
used, so ``newsdesk bench summaries`` can report the tech/entertainment half as held out.

The rarity feature's document frequencies are counted on the open-licence Wikinews sample (CC BY 2.5,
"Wikinews"), not on BBC text, so the model file holds no word list taken from the evaluation data;
stems seen in one document only are left out (rarity treats them as unseen) to keep the file small.
The headline-rate feature's table compares the UCI aggregator's headlines (public domain) with the same
Wikinews text: it is the one lexical prior the model has beyond stop words.

    .venv/bin/python -m newsdesk.stories.train_headlines
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter

import click
import numpy as np
from rouge_score import tokenizers
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from newsdesk.bench import shared_data
from newsdesk.bench.summaries import BBC, TUNE_CATEGORIES, load
from newsdesk.stories.compress import MODEL, keep_features, stem
from newsdesk.stories.headlines import _core, _salience, _tokens, split_sentences

WIKINEWS = shared_data() / "sample" / "wikinews_500.jsonl"
UCI = shared_data() / "stories" / "uci-news-aggregator-2014-03-04.tsv.gz"


def document_frequencies() -> dict:
    frequency: dict[str, int] = {}
    documents = 0
    with WIKINEWS.open(encoding="utf-8") as fh:
        for line in fh:
            documents += 1
            for word in {stem(w) for w in _tokens(json.loads(line)["text"])}:
                frequency[word] = frequency.get(word, 0) + 1
    return {"documents": documents, "source": "Wikinews sample, CC BY 2.5, attribute Wikinews",
            "df": dict(sorted((w, n) for w, n in frequency.items() if n >= 2))}


def headline_rates(min_count: int = 5) -> dict:
    """How much more often a stem appears in headlines than in article text: the UCI aggregator's 168,000
    distinct headlines (public domain) against the Wikinews sample's text. Headline language prefers "cut",
    "rise", "profit", "to" and avoids "said", "was", "Mr"; the BBC titles the model learns from show that
    for a few thousand words only."""
    headline, seen = Counter(), set()
    with gzip.open(UCI, "rt", encoding="utf-8") as fh:
        for line in fh:
            title = line.split("\t")[1]
            if title.lower() not in seen:
                seen.add(title.lower())
                headline.update(stem(w) for w in _tokens(title))
    body = Counter()
    with WIKINEWS.open(encoding="utf-8") as fh:
        for line in fh:
            body.update(stem(w) for w in _tokens(json.loads(line)["text"]))
    in_headlines, in_bodies = sum(headline.values()), sum(body.values())
    rates = {w: round(max(-4.0, min(4.0, math.log((headline[w] + 1) / in_headlines)
                                     - math.log((body[w] + 1) / in_bodies))), 2)
             for w in sorted(set(headline) | set(body)) if headline[w] + body[w] >= min_count}
    return {"source": "UCI News Aggregator headlines (public domain) against the Wikinews sample (CC BY 2.5)",
            "headlines": len(seen), "rates": rates}


@click.command()
@click.option("--C", "regularisation", type=float, default=1.0, help="inverse L2 strength")
def command(regularisation: float) -> None:
    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
    idf = document_frequencies()
    rates = headline_rates()
    features, labels, tune = [], [], []
    for row in load(BBC, None):
        sentences = split_sentences(row["article"])
        if not sentences or not row.get("title"):
            continue
        doc, kept = _core(sentences[0])
        title = set(tokenizer.tokenize(row["title"]))
        for token, feature in zip(kept, keep_features(doc, kept, _salience(row["article"]), (idf["documents"], idf["df"]),
                                                     rates["rates"])):
            # the lemma too: a headline prints "fell" as "falls", which a title's "falls" matches
            stems = tokenizer.tokenize(token.text)[:1] + tokenizer.tokenize(token.lemma_)[:1]
            features.append(feature)
            labels.append(int(any(stem in title for stem in stems)))
            tune.append(row["category"] in TUNE_CATEGORIES)
    vectorizer = DictVectorizer()
    matrix, y, part = vectorizer.fit_transform(features), np.array(labels), np.array(tune)
    model = LogisticRegression(C=regularisation, max_iter=3000).fit(matrix[part], y[part])
    scores = model.predict_proba(matrix)[:, 1]
    auc = {"tune": roc_auc_score(y[part], scores[part]), "held": roc_auc_score(y[~part], scores[~part])}
    weights = {name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0]) if abs(w) > 1e-4}
    MODEL.write_text(json.dumps({"bias": round(float(model.intercept_[0]), 4), "trained_on": "BBC business/politics/sport",
                                 "tokens": int(part.sum()), "auc": {k: round(v, 3) for k, v in auc.items()},
                                 "weights": dict(sorted(weights.items())), "idf": idf,
                                 "headline_rate": rates}, indent=0) + "\n")
    click.echo(f"{part.sum()} training tokens; AUC tune {auc['tune']:.3f} held {auc['held']:.3f} -> {MODEL}")


if __name__ == "__main__":
    command()
