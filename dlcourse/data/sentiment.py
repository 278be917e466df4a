"""The course's sentiment corpus of lesson 07b: 400 short review sentences, half positive.

The sentences were written for this course (films, restaurants, products, books, hotels, games),
so they are ours to ship: nothing is downloaded. Their opinion words come from a small, frequent
vocabulary (great, lovely, excellent; terrible, boring, rude...) spread over every topic, so that
a model can learn them from 300 sentences; about one sentence in six turns on a negation
("Not bad at all." is positive, "It was not good." negative), so that a model that only counts
words has something to get wrong.

The file ``sentiment.csv`` beside this module holds one sentence a row: ``label`` (1 positive,
0 negative) and ``text``. ``load_sentiment()`` reads it; ``sentiment_split()`` splits it once,
stratified (each class keeps its share in both parts) and fixed by a seed.
"""
from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import numpy as np

#: the corpus file, shipped inside the package
PATH = Path(__file__).with_name("sentiment.csv")
#: the default split: 25 % of each class for testing, drawn with this seed
TEST_FRACTION = 0.25
SEED = 0
#: the names of the labels 0 and 1
LABEL_NAMES = ("negative", "positive")


def load_sentiment() -> SimpleNamespace:
    """The whole corpus, in the file's order: ``texts`` (a list of 400 strings) and ``labels``
    (400,) int64, 1 for a positive sentence and 0 for a negative one."""
    with PATH.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return SimpleNamespace(texts=[row["text"] for row in rows],
                           labels=np.array([int(row["label"]) for row in rows], dtype=np.int64))


def sentiment_split(test_fraction: float = TEST_FRACTION, seed: int = SEED) -> SimpleNamespace:
    """The corpus split into training and test sentences, stratified, the same for a given seed.

    Returns a namespace with ``texts_train`` (a list of 300 strings with the defaults),
    ``y_train`` (300,) int64, ``texts_test`` (100 strings) and ``y_test`` (100,) int64: each part
    is half positive, half negative, and shuffled.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError("test_fraction must lie strictly between 0 and 1")
    corpus = load_sentiment()
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in (0, 1):
        rows = rng.permutation(np.flatnonzero(corpus.labels == label))
        n_test = int(round(test_fraction * len(rows)))
        test.extend(rows[:n_test])
        train.extend(rows[n_test:])
    train, test = rng.permutation(train), rng.permutation(test)
    return SimpleNamespace(texts_train=[corpus.texts[i] for i in train],
                           y_train=corpus.labels[train],
                           texts_test=[corpus.texts[i] for i in test],
                           y_test=corpus.labels[test])
