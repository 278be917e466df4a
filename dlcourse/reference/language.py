"""Lesson 07b references: text as numbers (a bag of words) and attention.

A sentence is tokenized as lower-case words: the runs of letters and apostrophes
(``re.findall(r"[a-z']+", sentence.lower())``).
"""
from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np

TOKEN = re.compile(r"[a-z']+")


def tokenize(sentence: str) -> list[str]:
    """'Not bad, really!' -> ['not', 'bad', 'really']."""
    return TOKEN.findall(sentence.lower())


def bag_of_words(sentences: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    """(n_sentences, len(vocabulary)) float64: how many times each word of ``vocabulary`` occurs
    in each sentence (words outside the vocabulary are ignored)."""
    index = {word: i for i, word in enumerate(vocabulary)}
    counts = np.zeros((len(sentences), len(vocabulary)))
    for row, sentence in enumerate(sentences):
        for word in tokenize(sentence):
            if word in index:
                counts[row, index[word]] += 1.0
    return counts


def attention_weights(query: Any, keys: Any) -> np.ndarray:
    """Scaled dot-product attention weights: softmax over the keys of ``query @ keys.T / sqrt(d)``.

    ``query`` (n_queries, d) or (d,); ``keys`` (n_keys, d) -> (n_queries, n_keys) (or (n_keys,)):
    each row is non-negative and sums to 1. Stable for large scores.
    """
    q = np.asarray(query, dtype=np.float64)
    k = np.asarray(keys, dtype=np.float64)
    scores = (q @ k.T) / np.sqrt(k.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)
