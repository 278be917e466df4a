"""Lesson 07b corpus: bag_of_words, attention_weights.

See ``corpus/__init__`` for the tables. A sentence's words are
``re.findall(r"[a-z']+", sentence.lower())``; attention weights are
``softmax(query @ keys.T / sqrt(d))`` over the keys, a 1-D query giving a 1-D row.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

WORD = re.compile(r"[a-z']+")


def _tokens(sentence):
    return WORD.findall(sentence.lower())


# --------------------------------------------------------------------------------------------
# bag_of_words(sentences, vocabulary)
# --------------------------------------------------------------------------------------------

def bag_of_words_counter(sentences, vocabulary):
    """collections.Counter per sentence, read in the vocabulary's order."""
    rows = []
    for sentence in sentences:
        counts = Counter(_tokens(sentence))
        rows.append([counts[word] for word in vocabulary])
    return np.array(rows, dtype=np.float64).reshape(len(sentences), len(vocabulary))


def bag_of_words_broadcast(sentences, vocabulary):
    """Each sentence's tokens compared with every vocabulary word at once, then summed."""
    vocab = np.array(list(vocabulary), dtype=object)
    out = np.zeros((len(sentences), len(vocab)))
    for i, sentence in enumerate(sentences):
        tokens = np.array(_tokens(sentence), dtype=object)
        if tokens.size:
            out[i] = (tokens[:, None] == vocab[None, :]).sum(axis=0)
    return out


def bag_of_words_list_count(sentences, vocabulary):
    """list.count on the token list (whole words, unlike str.count), int64 counts."""
    return np.array([[_tokens(s).count(w) for w in vocabulary] for s in sentences],
                    dtype=np.int64).reshape(len(sentences), len(vocabulary))


def bag_of_words_binary(sentences, vocabulary):
    """Presence (a set of words), not counts."""
    return np.array([[1.0 if w in set(_tokens(s)) else 0.0 for w in vocabulary]
                     for s in sentences]).reshape(len(sentences), len(vocabulary))


def bag_of_words_frequencies(sentences, vocabulary):
    out = np.zeros((len(sentences), len(vocabulary)))
    for i, s in enumerate(sentences):
        tokens = _tokens(s)
        for j, w in enumerate(vocabulary):
            out[i, j] = tokens.count(w) / max(len(tokens), 1)
    return out


def bag_of_words_transposed(sentences, vocabulary):
    return np.array([[_tokens(s).count(w) for s in sentences] for w in vocabulary], dtype=float)


def bag_of_words_sorted_vocabulary(sentences, vocabulary):
    vocab = sorted(vocabulary)
    return np.array([[_tokens(s).count(w) for w in vocab] for s in sentences],
                    dtype=float).reshape(len(sentences), len(vocab))


def bag_of_words_substrings(sentences, vocabulary):
    return np.array([[s.lower().count(w) for w in vocabulary] for s in sentences],
                    dtype=float).reshape(len(sentences), len(vocabulary))


def bag_of_words_split(sentences, vocabulary):
    return np.array([[s.split().count(w) for w in vocabulary] for s in sentences],
                    dtype=float).reshape(len(sentences), len(vocabulary))


def bag_of_words_lower_split(sentences, vocabulary):
    return np.array([[s.lower().split().count(w) for w in vocabulary] for s in sentences],
                    dtype=float).reshape(len(sentences), len(vocabulary))


def bag_of_words_no_lower(sentences, vocabulary):
    return np.array([[WORD.findall(s).count(w) for w in vocabulary] for s in sentences],
                    dtype=float).reshape(len(sentences), len(vocabulary))


def bag_of_words_word_characters(sentences, vocabulary):
    """\\w+ splits "didn't" into "didn" and "t"."""
    return np.array([[re.findall(r"\w+", s.lower()).count(w) for w in vocabulary]
                     for s in sentences], dtype=float).reshape(len(sentences), len(vocabulary))


def bag_of_words_lowercases_in_place(sentences, vocabulary):
    """Right counts, but it writes the lower-cased sentences back into the caller's list."""
    for i, s in enumerate(sentences):
        sentences[i] = s.lower()
    return np.array([[_tokens(s).count(w) for w in vocabulary] for s in sentences],
                    dtype=float).reshape(len(sentences), len(vocabulary))


def bag_of_words_no_return(sentences, vocabulary):
    counts = [[_tokens(s).count(w) for w in vocabulary] for s in sentences]  # noqa: F841


def bag_of_words_list(sentences, vocabulary):
    return [[float(_tokens(s).count(w)) for w in vocabulary] for s in sentences]


def bag_of_words_float32(sentences, vocabulary):
    return np.array([[_tokens(s).count(w) for w in vocabulary] for s in sentences],
                    dtype=np.float32).reshape(len(sentences), len(vocabulary))


# --------------------------------------------------------------------------------------------
# attention_weights(query, keys)
# --------------------------------------------------------------------------------------------

def attention_weights_logsumexp(query, keys):
    """exp(score - logsumexp(scores)), with einsum."""
    q = np.asarray(query, dtype=np.float64)
    k = np.asarray(keys, dtype=np.float64)
    scores = np.einsum("...d,kd->...k", q, k) / math.sqrt(k.shape[1])
    top = scores.max(axis=-1, keepdims=True)
    log_z = top + np.log(np.exp(scores - top).sum(axis=-1, keepdims=True))
    return np.exp(scores - log_z)


def attention_weights_loops(query, keys):
    """Pure Python loops and math.exp, one query at a time."""
    q = np.asarray(query, dtype=np.float64)
    k = np.asarray(keys, dtype=np.float64)
    rows = q.reshape(1, -1) if q.ndim == 1 else q
    d = k.shape[1]
    out = np.zeros((rows.shape[0], k.shape[0]))
    for i, row in enumerate(rows):
        scores = [sum(row[j] * key[j] for j in range(d)) / math.sqrt(d) for key in k]
        top = max(scores)
        e = [math.exp(s - top) for s in scores]
        total = sum(e)
        out[i] = [v / total for v in e]
    return out[0] if q.ndim == 1 else out


def attention_weights_scipy(query, keys):
    from scipy.special import softmax

    k = np.asarray(keys, dtype=np.float64)
    return softmax(np.asarray(query, dtype=np.float64) @ k.T / np.sqrt(k.shape[-1]), axis=-1)


def _stable_softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attention_weights_over_queries(query, keys):
    return _stable_softmax(query @ keys.T / np.sqrt(keys.shape[1]), axis=0)


def attention_weights_transposed(query, keys):
    return _stable_softmax(keys @ query.T / np.sqrt(keys.shape[1]), axis=0)


def attention_weights_unscaled(query, keys):
    return _stable_softmax(query @ keys.T)


def attention_weights_divided_by_d(query, keys):
    return _stable_softmax(query @ keys.T / keys.shape[1])


def attention_weights_number_of_keys(query, keys):
    return _stable_softmax(query @ keys.T / np.sqrt(len(keys)))


def attention_weights_scores_only(query, keys):
    return query @ keys.T / np.sqrt(keys.shape[1])


def attention_weights_sigmoid(query, keys):
    return 1.0 / (1.0 + np.exp(-(query @ keys.T / np.sqrt(keys.shape[1]))))


def attention_weights_whole_matrix(query, keys):
    e = np.exp(query @ keys.T / np.sqrt(keys.shape[1]))
    return e / e.sum()


def attention_weights_naive_softmax(query, keys):
    """No max subtracted: np.exp overflows for scores of hundreds."""
    e = np.exp(query @ keys.T / np.sqrt(keys.shape[1]))
    return e / e.sum(axis=-1, keepdims=True)


def attention_weights_always_2d(query, keys):
    q = np.atleast_2d(query)
    return _stable_softmax(q @ keys.T / np.sqrt(keys.shape[1]))


def attention_weights_scales_in_place(query, keys):
    """Right weights, but it divides the caller's query in place."""
    query /= np.sqrt(keys.shape[1])
    return _stable_softmax(query @ keys.T)


def attention_weights_no_return(query, keys):
    weights = _stable_softmax(query @ keys.T / np.sqrt(keys.shape[1]))  # noqa: F841


def attention_weights_list(query, keys):
    return _stable_softmax(query @ keys.T / np.sqrt(keys.shape[1])).tolist()


def attention_weights_float32(query, keys):
    q, k = np.float32(query), np.float32(keys)
    return _stable_softmax(q @ k.T / np.float32(np.sqrt(k.shape[1])))


RIGHT = {
    "bag_of_words": [bag_of_words_counter, bag_of_words_broadcast, bag_of_words_list_count],
    "attention_weights": [attention_weights_logsumexp, attention_weights_loops,
                          attention_weights_scipy],
}

WRONG = [
    ("bag_of_words", bag_of_words_binary, r"not only whether it occurs"),
    ("bag_of_words", bag_of_words_frequencies, r"counts, not frequencies"),
    ("bag_of_words", bag_of_words_transposed, r"(?s)shape \(3, 2\), but shape \(2, 3\).*"
                                              r"one ROW per sentence"),
    ("bag_of_words", bag_of_words_sorted_vocabulary, r"follow the order of `vocabulary`"),
    ("bag_of_words", bag_of_words_substrings, r"You counted substrings"),
    ("bag_of_words", bag_of_words_split, r"Capitals and punctuation stay attached"),
    ("bag_of_words", bag_of_words_lower_split, r"Punctuation stays attached"),
    ("bag_of_words", bag_of_words_no_lower, r"forgot to lower-case"),
    ("bag_of_words", bag_of_words_word_characters, r"Apostrophes split your words"),
    ("bag_of_words", bag_of_words_lowercases_in_place, r"changed its input `sentences` in place"),
    ("bag_of_words", bag_of_words_no_return, r"forget the `return`"),
    ("bag_of_words", bag_of_words_list, r"not a NumPy array"),
    ("bag_of_words", bag_of_words_float32, r"float64"),
    ("attention_weights", attention_weights_over_queries, r"softmax is over the wrong axis"),
    ("attention_weights", attention_weights_transposed, r"(?s)shape \(3, 2\), but shape "
                                                        r"\(2, 3\).*result is transposed"),
    ("attention_weights", attention_weights_unscaled, r"forgot to scale the scores"),
    ("attention_weights", attention_weights_divided_by_d, r"not by d"),
    ("attention_weights", attention_weights_number_of_keys, r"not the number of keys"),
    ("attention_weights", attention_weights_scores_only, r"scaled scores, not weights"),
    ("attention_weights", attention_weights_sigmoid, r"not a sigmoid"),
    ("attention_weights", attention_weights_whole_matrix, r"normalised over the whole matrix"),
    ("attention_weights", attention_weights_naive_softmax,
     r"(?s)large scores.*overflow.*Subtract each row's maximum"),
    ("attention_weights", attention_weights_always_2d, r"(?s)shape \(1, 5\).*1-D row of weights"),
    ("attention_weights", attention_weights_scales_in_place, r"changed its input `query` in place"),
    ("attention_weights", attention_weights_no_return, r"forget the `return`"),
    ("attention_weights", attention_weights_list, r"not a NumPy array"),
    ("attention_weights", attention_weights_float32, r"float64"),
]
