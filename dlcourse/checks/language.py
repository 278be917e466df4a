"""Lesson 07b exercises: bag_of_words, attention_weights.

- ``bag_of_words(sentences, vocabulary)``: one row per sentence, one column per vocabulary word
  (in the vocabulary's order), each entry the number of times the word occurs in the sentence.
  Sentences are tokenized as the notebook's ``tokenize`` does: lower-case, then the runs of
  letters and apostrophes (``re.findall(r"[a-z']+", sentence.lower())``), so "Bad," is the word
  "bad" and "didn't" is one word. Words outside the vocabulary are ignored.
- ``attention_weights(query, keys)``: scaled dot-product attention weights,
  ``softmax(query @ keys.T / sqrt(d))`` with the softmax over the keys (each row sums to 1);
  a 1-D query gives a 1-D row of weights.

The cases are built so that each known mistake gives other numbers: a word occurs twice in a
sentence (presence instead of counts), next to punctuation and in capitals (``str.split`` without
tokenizing, no ``lower()``), inside longer words ("not" in "nothing": substring counting), with an
apostrophe (``\\w+`` splits "didn't"), a vocabulary that is not sorted (columns sorted), and never
as many sentences as vocabulary words (a transposed result has another shape). For attention,
several queries and keys with ``n_q != n_k`` (softmax over the wrong axis, a transposed result),
``d`` not 1 and scores far from each other (no scaling, dividing by ``d``), and scores of
hundreds (a softmax without the max subtracted overflows).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import numpy as np

from ..reference import language as ref
from .core import Case, Exercise, Mistake, redraw

# --------------------------------------------------------------------------------------------
# bag_of_words(sentences, vocabulary) -> (n_sentences, len(vocabulary))
# --------------------------------------------------------------------------------------------

#: the words drawn sentences are made of; some hold an apostrophe, some contain another word
#: ("not" in "nothing", "good" in "goodness", "bad" in "badly")
WORDS = ("the", "film", "was", "not", "good", "bad", "great", "boring", "nothing", "goodness",
         "badly", "didn't", "isn't", "i", "it", "really", "at", "all", "food", "service", "never",
         "loved", "hated", "a", "plot", "slow")


def _sentences(seed: int, n: int, *, min_words: int = 2, max_words: int = 9) -> list[str]:
    """n random sentences of WORDS, some words in capitals, with commas, ! and ? after some."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        words = []
        for word in rng.choice(WORDS, size=int(rng.integers(min_words, max_words + 1))):
            word = str(word)
            style = rng.random()
            if style < 0.15:
                word = word.upper()
            elif style < 0.35:
                word = word.capitalize()
            if rng.random() < 0.2:
                word += str(rng.choice([",", "!", "?", "."]))
            words.append(word)
        out.append(" ".join(words))
    return out


def _bow_args(seed: int, n: int, V: int) -> tuple[list[str], list[str]]:
    """(sentences, vocabulary): n drawn sentences and V distinct words in a shuffled order,
    a few of them ("zebra", "apple") never in any sentence; n != V."""
    rng = np.random.default_rng(seed)
    sentences = _sentences(int(rng.integers(2**31)), n)
    pool = list(WORDS) + ["zebra", "apple"]
    vocabulary = [str(w) for w in rng.choice(pool, size=V, replace=False)]
    return sentences, vocabulary


def _bow(n: int, V: int) -> Callable[[int], tuple]:
    return lambda seed: _bow_args(seed, n, V)


def _counts(tokenize: Callable[[str], list[str]], *, binary: bool = False,
            normalise: bool = False, transpose: bool = False, sort: bool = False
            ) -> Callable[..., np.ndarray]:
    """bag_of_words with another tokenizer and/or one known mistake switched on."""
    def variant(sentences: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
        vocab = sorted(vocabulary) if sort else list(vocabulary)
        index = {w: j for j, w in enumerate(vocab)}
        counts = np.zeros((len(sentences), len(vocab)))
        for i, sentence in enumerate(sentences):
            tokens = tokenize(sentence)
            for word in tokens:
                if word in index:
                    counts[i, index[word]] += 1.0
            if normalise and tokens:
                counts[i] /= len(tokens)
        if binary:
            counts = np.minimum(counts, 1.0)
        return counts.T if transpose else counts
    return variant


def _substring_counts(sentences: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    return np.array([[float(s.lower().count(w)) for w in vocabulary] for s in sentences])


_TOKENIZE = ("Use the notebook's tokenize(sentence): it lower-cases the sentence and keeps the "
             "runs of letters and apostrophes, re.findall(r\"[a-z']+\", sentence.lower()).")

BAG_OF_WORDS = Exercise(
    name="bag_of_words",
    params=("sentences", "vocabulary"),
    reference=ref.bag_of_words,
    cases=[
        Case("counts, not presence: 'bad film, so bad' holds 'bad' twice -> [[1, 0, 1], "
             "[2, 1, 0]] (2 sentences, 3 words)",
             (["Not bad at all", "bad film, so bad"], ["bad", "film", "not"]),
             hint="Row i counts the words of sentences[i]: 'Not bad at all' -> bad 1, film 0, "
                  "not 1; 'bad film, so bad' -> bad 2, film 1, not 0. " + _TOKENIZE),
        Case("capitals and punctuation: 'The Film was GOOD!' holds 'good' once "
             "-> [[1, 1, 1], [2, 0, 0], [0, 1, 0], [0, 0, 0]] (4 sentences, 3 words)",
             (["The Film was GOOD!", "good? Good.", "A film, a FILM.", "Nothing here"],
              ["good", "the", "film"]),
             hint="Lower-case before you compare: 'GOOD!' is the word 'good'. The third sentence "
                  "holds 'film' twice; the last none of the words. " + _TOKENIZE),
        Case("the columns follow the vocabulary's order, which is not alphabetical; words outside "
             "it are ignored (2 sentences, 4 words)",
             (["The plot was slow but the food was great", "great great food"],
              ["was", "great", "zebra", "food"]),
             hint="Column j counts vocabulary[j], in the order given: 'was', 'great', 'zebra', "
                  "'food'. Do not sort the vocabulary, and leave out the words that are not in "
                  "it."),
        Case("whole words only: 'not' is not counted inside 'nothing', nor 'good' inside "
             "'goodness' (3 sentences, 2 words)",
             (["Nothing is not good", "goodness, not again", "notes on nothing"], ["not", "good"]),
             hint="Count words, not substrings: split each sentence into its words first "
                  "(tokenize), then count. sentence.count('not') also counts the 'not' in "
                  "'nothing'."),
        Case("an apostrophe belongs to its word: \"didn't\" is one word (2 sentences, 5 words)",
             (["I didn't like it, it isn't good", "It didn't"], ["didn't", "didn", "t", "good", "it"]),
             hint="\"didn't\" is one token: the pattern [a-z']+ keeps apostrophes inside words "
                  "(\\w+ or [a-z]+ would split it into 'didn' and 't'). " + _TOKENIZE),
        Case("random sentences, 6 sentences, a vocabulary of 8 words", redraw(_bow(6, 8)),
             hidden=True),
        Case("random sentences, 9 sentences, a vocabulary of 4 words", redraw(_bow(9, 4)),
             hidden=True),
        Case("one sentence, a vocabulary of 5 words: a (1, 5) result", redraw(_bow(1, 5)),
             hidden=True),
        Case("a vocabulary of one word: a (5, 1) result", redraw(_bow(5, 1)), hidden=True),
        Case("an empty sentence and one without any vocabulary word give rows of zeros",
             (["", "zebras eat grass", "It was GOOD, good, good!"], ["good", "it"]), hidden=True),
    ],
    mistakes=[
        Mistake("Count how many times each word occurs, not only whether it occurs: 'bad film, "
                "so bad' has bad = 2. Use += 1 for every word, not = 1.",
                _counts(ref.tokenize, binary=True)),
        Mistake("The entries are counts, not frequencies: do not divide by the number of words "
                "in the sentence.", _counts(ref.tokenize, normalise=True)),
        Mistake("The result is transposed: it must have one ROW per sentence and one COLUMN per "
                "vocabulary word, shape (len(sentences), len(vocabulary)).",
                _counts(ref.tokenize, transpose=True)),
        Mistake("The columns must follow the order of `vocabulary` as given (column j counts "
                "vocabulary[j]); you sorted it.", _counts(ref.tokenize, sort=True)),
        Mistake("You counted substrings: sentence.count(word) also finds 'not' inside 'nothing'. "
                "Split the sentence into words first (tokenize), then count the words.",
                _substring_counts),
        Mistake("Capitals and punctuation stay attached when you split on spaces: 'GOOD!' is not "
                "'good'. " + _TOKENIZE, _counts(lambda s: s.split())),
        Mistake("Punctuation stays attached when you split on spaces: 'film,' is not 'film'. "
                + _TOKENIZE, _counts(lambda s: s.lower().split())),
        Mistake("You forgot to lower-case the sentence: 'GOOD' and 'Good' must count as 'good'. "
                + _TOKENIZE, _counts(lambda s: re.findall(r"[a-z']+", s))),
        Mistake("Apostrophes split your words: \"didn't\" must stay one word, but \\w+ or [a-z]+ "
                "cut it into 'didn' and 't'. " + _TOKENIZE,
                _counts(lambda s: re.findall(r"[a-z]+", s.lower()))),
    ],
)


# --------------------------------------------------------------------------------------------
# attention_weights(query, keys) -> (n_queries, n_keys)
# --------------------------------------------------------------------------------------------

def _attention_args(seed: int, n_q: int, n_k: int, d: int, *, scale: float = 1.0,
                    one_d: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(query (n_q, d) or (d,), keys (n_k, d)): seeded, uneven float64; ``scale`` multiplies both
    (scale 10 gives scores of hundreds)."""
    rng = np.random.default_rng(seed)
    query = rng.normal(0.0, scale, size=(d,) if one_d else (n_q, d))
    keys = rng.normal(0.0, scale, size=(n_k, d))
    return query, keys


def _attn(n_q: int, n_k: int, d: int, **kwargs) -> Callable[[int], tuple]:
    return lambda seed: _attention_args(seed, n_q, n_k, d, **kwargs)


def _softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = scores - scores.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _attention_variant(*, divide: Callable[[np.ndarray, np.ndarray], float] | None = None,
                       axis: int = -1, transpose: bool = False, normalise: str = "softmax",
                       keep_2d: bool = False) -> Callable[..., np.ndarray]:
    """attention_weights with one known mistake switched on.

    divide(query, keys) -> what the scores are divided by (default sqrt(d));
    axis: the softmax's axis on the 2-D scores (0: over the queries);
    normalise: "softmax", "none" (the scaled scores), "sigmoid", "all" (one softmax over every
    entry), "plain" (scores / their row sum, no exp).
    """
    def variant(query: Any, keys: Any) -> np.ndarray:
        q = np.asarray(query, dtype=np.float64)
        k = np.asarray(keys, dtype=np.float64)
        one_d = q.ndim == 1
        q2 = q.reshape(1, -1) if one_d else q
        by = np.sqrt(k.shape[-1]) if divide is None else divide(q2, k)
        scores = q2 @ k.T / by
        if normalise == "softmax":
            w = _softmax(scores, axis=axis)
        elif normalise == "none":
            w = scores
        elif normalise == "sigmoid":
            w = 0.5 * (1.0 + np.tanh(0.5 * scores))
        elif normalise == "all":
            e = np.exp(scores - scores.max())
            w = e / e.sum()
        else:
            w = scores / scores.sum(axis=-1, keepdims=True)
        if transpose:
            w = w.T
        return w if (keep_2d or not one_d) else w[0]
    return variant


_FORMULA = ("weights = softmax(query @ keys.T / np.sqrt(d)) with d = keys.shape[1], the softmax "
            "over the keys (the last axis), so that each row sums to 1.")

ATTENTION_WEIGHTS = Exercise(
    name="attention_weights",
    params=("query", "keys"),
    reference=ref.attention_weights,
    cases=[
        Case("2 queries, 3 keys, d = 4: a (2, 3) result, each row sums to 1",
             _attention_args(701, 2, 3, 4),
             hint="Check, in order: scores = query @ keys.T, shape (2, 3); divide by np.sqrt(d) "
                  "with d = 4, the length of each vector; softmax over each row (axis=-1)."),
        Case("one query as a 1-D vector (d = 3) and 5 keys: a 1-D result of 5 weights",
             _attention_args(702, 1, 5, 3, one_d=True),
             hint="A query of shape (d,) gives a row of shape (n_keys,): query @ keys.T is then "
                  "1-D, and the softmax is over its only axis."),
        Case("the scaling matters: 3 queries, 2 keys, d = 16, scores far apart",
             _attention_args(703, 3, 2, 16, scale=1.5),
             hint="Divide the scores by np.sqrt(d), here np.sqrt(16) = 4: not by d, and not by "
                  "the number of keys."),
        Case("large scores (hundreds): a softmax without subtracting the row's maximum overflows "
             "(4 queries, 3 keys, d = 2)", _attention_args(704, 4, 3, 2, scale=40.0),
             hint="Subtract each row's maximum score before np.exp, as in lesson 01's softmax: "
                  "the result is the same and np.exp never sees a large number."),
        Case("two identical keys get identical weights, and equal scores a uniform row "
             "(2 queries, 3 keys, d = 2)",
             (np.array([[0.5, -1.0], [0.0, 0.0]]), np.array([[1.0, 2.0], [1.0, 2.0], [-0.5, 0.3]])),
             hint="A query of zeros scores 0 against every key: its weights are all 1/3."),
        Case("random, 5 queries, 7 keys, d = 6", redraw(_attn(5, 7, 6)), hidden=True),
        Case("random, 6 queries, 2 keys, d = 9", redraw(_attn(6, 2, 9)), hidden=True),
        Case("random 1-D query, 4 keys, d = 5", redraw(_attn(1, 4, 5, one_d=True)), hidden=True),
        Case("one key: every weight is 1 (3 queries, d = 4)", redraw(_attn(3, 1, 4)), hidden=True),
        Case("very large scores (thousands), 3 queries, 5 keys, d = 3",
             redraw(_attn(3, 5, 3, scale=60.0)), hidden=True),
    ],
    mistakes=[
        Mistake("The softmax is over the wrong axis: each QUERY's weights over the keys must sum "
                "to 1, so normalise each row (axis=-1 or axis=1), not each column (axis=0). "
                + _FORMULA, _attention_variant(axis=0)),
        Mistake("The result is transposed: one row per query and one column per key, shape "
                "(n_queries, n_keys); compute query @ keys.T, not keys @ query.T.",
                _attention_variant(transpose=True)),
        Mistake("The softmax is over the wrong axis and the result transposed: one row per query, "
                "one column per key, each row summing to 1. " + _FORMULA,
                _attention_variant(axis=0, transpose=True)),
        Mistake("You forgot to scale the scores: divide query @ keys.T by np.sqrt(d), "
                "d = keys.shape[1] (the vectors' length). Without it, long vectors give huge "
                "scores and a softmax that picks one key only.",
                _attention_variant(divide=lambda q, k: 1.0)),
        Mistake("Divide by np.sqrt(d), not by d: scaled dot-product attention uses the square "
                "root of the vectors' length.", _attention_variant(divide=lambda q, k: k.shape[-1])),
        Mistake("d is the length of each vector, keys.shape[1], not the number of keys "
                "keys.shape[0]: divide by np.sqrt(keys.shape[1]).",
                _attention_variant(divide=lambda q, k: np.sqrt(k.shape[0]))),
        Mistake("d is the length of each vector, keys.shape[1], not the number of queries: "
                "divide by np.sqrt(keys.shape[1]).",
                _attention_variant(divide=lambda q, k: np.sqrt(q.shape[0]))),
        Mistake("These are the scaled scores, not weights: apply a softmax over the keys, so that "
                "the weights are positive and each row sums to 1.",
                _attention_variant(normalise="none")),
        Mistake("Use a softmax, not a sigmoid: the weights of one query must sum to 1 over the "
                "keys (they compete for its attention).", _attention_variant(normalise="sigmoid")),
        Mistake("You normalised over the whole matrix: each query has its own softmax, so each "
                "ROW must sum to 1 (keepdims=True with axis=-1).",
                _attention_variant(normalise="all")),
        Mistake("Dividing the scores by their sum is not a softmax (scores can be negative): "
                "take np.exp of the scores (minus the row's maximum) first, then divide by the "
                "row's sum.", _attention_variant(normalise="plain")),
        Mistake("A 1-D query (shape (d,)) must give a 1-D row of weights, shape (n_keys,), not "
                "(1, n_keys): query @ keys.T is already 1-D for a 1-D query (if you made the "
                "query 2-D, return row 0 of the result).",
                _attention_variant(keep_2d=True)),
    ],
)

EXERCISES = [BAG_OF_WORDS, ATTENTION_WEIGHTS]
