"""The lesson 07b references agree with independent implementations, and the lesson's data and
figures are right.

- ``bag_of_words`` is scikit-learn's ``CountVectorizer`` with the vocabulary given, the same token
  pattern ``[a-z']+`` and lower-casing;
- ``attention_weights`` is ``torch.softmax(q @ k.T / sqrt(d), -1)`` and the weights of
  ``torch.nn.functional.scaled_dot_product_attention`` (values = the identity matrix, so that its
  output is the weights themselves), in float64 to 1e-12;
- ``dlcourse.data.translation`` spells the numbers as a table of known English and French
  numbers says, and its split and character vocabulary hold together;
- ``dlcourse.data.sentiment`` ships 400 distinct sentences, half positive, with negations in both
  classes, and splits them stratified.
"""
from __future__ import annotations

import copy
import re

import numpy as np
import pytest
import torch
from sklearn.feature_extraction.text import CountVectorizer

from dlcourse.checks.language import _bow_args, _sentences
from dlcourse.data import sentiment, translation
from dlcourse.data.translation import CharVocabulary, english, french, translation_split
from dlcourse.reference.language import attention_weights, bag_of_words, tokenize

pytestmark = pytest.mark.filterwarnings("error")

TOL = 1e-12
SEEDS = [0, 1, 2, 3]


# --------------------------------------------------------------------------------------------
# bag_of_words against scikit-learn
# --------------------------------------------------------------------------------------------

def _sklearn_counts(sentences, vocabulary) -> np.ndarray:
    vectorizer = CountVectorizer(vocabulary=list(vocabulary), token_pattern=r"[a-z']+",
                                 lowercase=True)
    return vectorizer.transform(sentences).toarray().astype(np.float64)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, V", [(6, 8), (9, 4), (1, 5), (5, 1), (30, 20)])
def test_bag_of_words_is_sklearns_count_vectorizer(seed, n, V):
    sentences, vocabulary = _bow_args(seed, n, V)
    got = bag_of_words(sentences, vocabulary)
    assert got.dtype == np.float64 and got.shape == (n, V)
    np.testing.assert_array_equal(got, _sklearn_counts(sentences, vocabulary))


def test_bag_of_words_edge_cases_agree_with_sklearn():
    cases = [
        (["", "zebras eat grass", "It was GOOD, good, good!"], ["good", "it"]),
        (["I didn't like it, it isn't good", "It didn't"], ["didn't", "didn", "t", "good", "it"]),
        (["Nothing is not good", "goodness, not again"], ["not", "good"]),
        (["The plot was slow but the food was great", "great great food"],
         ["was", "great", "zebra", "food"]),
    ]
    for sentences, vocabulary in cases:
        np.testing.assert_array_equal(bag_of_words(sentences, vocabulary),
                                      _sklearn_counts(sentences, vocabulary))


def test_the_course_corpus_counted_with_its_own_vocabulary_agrees_with_sklearn():
    corpus = sentiment.load_sentiment()
    vocabulary = sorted({w for s in corpus.texts for w in tokenize(s)})
    np.testing.assert_array_equal(bag_of_words(corpus.texts, vocabulary),
                                  _sklearn_counts(corpus.texts, vocabulary))


def test_tokenize_keeps_apostrophes_and_drops_punctuation():
    assert tokenize("Not bad, really! I didn't   mind.") == ["not", "bad", "really", "i",
                                                           "didn't", "mind"]
    assert tokenize("") == [] and tokenize("42 !?") == []


def test_bag_of_words_leaves_its_inputs_alone():
    sentences, vocabulary = _bow_args(5, 4, 6)
    before = copy.deepcopy((sentences, vocabulary))
    bag_of_words(sentences, vocabulary)
    assert (sentences, vocabulary) == before


# --------------------------------------------------------------------------------------------
# attention_weights against PyTorch
# --------------------------------------------------------------------------------------------

def _torch_softmax(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    tq, tk = torch.from_numpy(q), torch.from_numpy(k)
    return torch.softmax(tq @ tk.T / np.sqrt(k.shape[-1]), dim=-1).numpy()


def _torch_sdpa(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """scaled_dot_product_attention(q, k, v = I): its output is the weights matrix."""
    q2 = q.reshape(1, -1) if q.ndim == 1 else q
    values = torch.eye(k.shape[0], dtype=torch.float64)
    out = torch.nn.functional.scaled_dot_product_attention(
        torch.from_numpy(q2)[None], torch.from_numpy(k)[None], values[None])[0].numpy()
    return out[0] if q.ndim == 1 else out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_q, n_k, d, scale", [(2, 3, 4, 1.0), (5, 7, 6, 1.0), (6, 2, 9, 2.0),
                                                (3, 1, 4, 1.0), (4, 3, 2, 40.0), (1, 8, 16, 3.0)])
def test_attention_weights_are_torchs(seed, n_q, n_k, d, scale):
    rng = np.random.default_rng(seed)
    q = rng.normal(0.0, scale, size=(n_q, d))
    k = rng.normal(0.0, scale, size=(n_k, d))
    got = attention_weights(q, k)
    assert got.dtype == np.float64 and got.shape == (n_q, n_k)
    np.testing.assert_allclose(got, _torch_softmax(q, k), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(got, _torch_sdpa(q, k), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_1d_query_gives_a_1d_row(seed):
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=5), rng.normal(size=(4, 5))
    got = attention_weights(q, k)
    assert got.shape == (4,)
    np.testing.assert_allclose(got, _torch_softmax(q[None], k)[0], rtol=TOL, atol=TOL)
    np.testing.assert_allclose(got, _torch_sdpa(q, k), rtol=1e-10, atol=1e-12)


def test_attention_ties_and_huge_scores():
    keys = np.array([[1.0, 2.0], [1.0, 2.0], [-0.5, 0.3]])
    w = attention_weights(np.array([[0.5, -1.0], [0.0, 0.0]]), keys)
    assert w[0, 0] == w[0, 1]
    np.testing.assert_allclose(w[1], 1.0 / 3.0, rtol=TOL)
    with np.errstate(over="raise", invalid="raise"):    # no overflow for scores of thousands
        w = attention_weights(np.array([[300.0, -200.0]]), np.array([[40.0, 1.0], [-40.0, 3.0]]))
    np.testing.assert_allclose(w, [[1.0, 0.0]], atol=TOL)


def test_attention_weights_leave_their_inputs_alone():
    rng = np.random.default_rng(7)
    q, k = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    q0, k0 = q.copy(), k.copy()
    attention_weights(q, k)
    assert np.array_equal(q, q0) and np.array_equal(k, k0)


# --------------------------------------------------------------------------------------------
# The generated translation pairs
# --------------------------------------------------------------------------------------------

#: known numbers, written by hand (French: traditional spelling, hyphens below 100 only)
KNOWN = {
    0: ("zero", "zéro"), 1: ("one", "un"), 7: ("seven", "sept"), 10: ("ten", "dix"),
    11: ("eleven", "onze"), 13: ("thirteen", "treize"), 16: ("sixteen", "seize"),
    17: ("seventeen", "dix-sept"), 19: ("nineteen", "dix-neuf"), 20: ("twenty", "vingt"),
    21: ("twenty-one", "vingt et un"), 22: ("twenty-two", "vingt-deux"),
    30: ("thirty", "trente"), 31: ("thirty-one", "trente et un"), 40: ("forty", "quarante"),
    41: ("forty-one", "quarante et un"), 55: ("fifty-five", "cinquante-cinq"),
    60: ("sixty", "soixante"), 61: ("sixty-one", "soixante et un"),
    69: ("sixty-nine", "soixante-neuf"), 70: ("seventy", "soixante-dix"),
    71: ("seventy-one", "soixante et onze"), 72: ("seventy-two", "soixante-douze"),
    77: ("seventy-seven", "soixante-dix-sept"), 79: ("seventy-nine", "soixante-dix-neuf"),
    80: ("eighty", "quatre-vingts"), 81: ("eighty-one", "quatre-vingt-un"),
    88: ("eighty-eight", "quatre-vingt-huit"), 90: ("ninety", "quatre-vingt-dix"),
    91: ("ninety-one", "quatre-vingt-onze"), 97: ("ninety-seven", "quatre-vingt-dix-sept"),
    99: ("ninety-nine", "quatre-vingt-dix-neuf"), 100: ("one hundred", "cent"),
    101: ("one hundred one", "cent un"), 111: ("one hundred eleven", "cent onze"),
    121: ("one hundred twenty-one", "cent vingt et un"),
    171: ("one hundred seventy-one", "cent soixante et onze"),
    180: ("one hundred eighty", "cent quatre-vingts"),
    181: ("one hundred eighty-one", "cent quatre-vingt-un"),
    200: ("two hundred", "deux cents"), 201: ("two hundred one", "deux cent un"),
    280: ("two hundred eighty", "deux cent quatre-vingts"),
    300: ("three hundred", "trois cents"),
    342: ("three hundred forty-two", "trois cent quarante-deux"),
    371: ("three hundred seventy-one", "trois cent soixante et onze"),
    480: ("four hundred eighty", "quatre cent quatre-vingts"),
    500: ("five hundred", "cinq cents"), 616: ("six hundred sixteen", "six cent seize"),
    790: ("seven hundred ninety", "sept cent quatre-vingt-dix"),
    999: ("nine hundred ninety-nine", "neuf cent quatre-vingt-dix-neuf"),
}


@pytest.mark.parametrize("n", sorted(KNOWN))
def test_known_numbers_are_spelled_right(n):
    assert (english(n), french(n)) == KNOWN[n]


def test_the_spelling_rules_hold_for_every_number():
    for n in range(1000):
        fr, en = french(n), english(n)
        hundreds, rest = divmod(n, 100)
        tens, units = divmod(rest, 10)
        # "et" joins a one to the tens 20..60 and the 11 of 71, never in 81 or 91
        assert (" et " in fr) == (units == 1 and 2 <= tens <= 7), n
        # "cents" only for a round number of hundreds from 200
        assert fr.endswith("cents") == (hundreds >= 2 and rest == 0), n
        assert ("cent" in fr) == (hundreds >= 1), n
        # "quatre-vingts" takes its s only at the end
        assert ("quatre-vingts" in fr) == (rest == 80), n
        # traditional spelling: no hyphen next to "cent" or "et"
        assert not re.search(r"-cent|cent-|-et|et-", fr), n
        assert (" hundred" in en) == (hundreds >= 1) and " and " not in en, n
    assert len({french(n) for n in range(1000)}) == 1000
    assert len({english(n) for n in range(1000)}) == 1000


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1000, ValueError), (3.5, TypeError),
                                        (True, TypeError), ("7", TypeError)])
def test_numbers_outside_0_to_999_are_refused(bad, error):
    with pytest.raises(error):
        french(bad)
    with pytest.raises(error):
        english(bad)


def test_the_split_is_by_number_seeded_and_complete():
    s = translation_split()
    assert len(s.train_numbers) == 800 and len(s.test_numbers) == 200
    assert not set(s.train_numbers) & set(s.test_numbers)
    assert sorted(set(s.train_numbers) | set(s.test_numbers)) == list(range(1000))
    assert list(s.train_numbers) == sorted(s.train_numbers)
    assert s.english_test == [english(n) for n in s.test_numbers]
    assert s.french_train == [french(n) for n in s.train_numbers]
    again, other = translation_split(), translation_split(seed=1)
    assert np.array_equal(again.test_numbers, s.test_numbers)
    assert not np.array_equal(other.test_numbers, s.test_numbers)
    assert len(translation_split(0.1).test_numbers) == 100
    with pytest.raises(ValueError):
        translation_split(0.0)
    assert translation.translation_pairs([21, 80]) == [("twenty-one", "vingt et un"),
                                                      ("eighty", "quatre-vingts")]


def test_the_character_vocabulary_encodes_and_decodes_every_text():
    texts = [french(n) for n in range(1000)]
    vocab = CharVocabulary(texts)
    assert vocab.symbols[:3] == ["<pad>", "<bos>", "<eos>"] and len(vocab) == 3 + len(vocab.chars)
    codes = vocab.encode(texts, bos=True)
    assert codes.dtype == np.int64 and codes.shape == (1000, max(map(len, texts)) + 2)
    assert (codes[:, 0] == vocab.BOS).all()
    assert [vocab.decode(row) for row in codes] == texts
    short = vocab.encode(["un"], length=6)
    assert short.tolist() == [[vocab.index["u"], vocab.index["n"], vocab.EOS, 0, 0, 0]]
    with pytest.raises(ValueError):
        vocab.encode(["quatre"], length=3)
    with pytest.raises(KeyError):
        vocab.encode(["w"])                      # no French number has a w


# --------------------------------------------------------------------------------------------
# The sentiment corpus
# --------------------------------------------------------------------------------------------

NEGATION = re.compile(r"\b(not|never|no|nothing)\b|n't\b")


def test_the_corpus_is_balanced_distinct_and_has_negations_in_both_classes():
    corpus = sentiment.load_sentiment()
    assert len(corpus.texts) == 400 and corpus.labels.dtype == np.int64
    assert (corpus.labels == 1).sum() == (corpus.labels == 0).sum() == 200
    assert len(set(corpus.texts)) == 400
    assert all(tokenize(t) for t in corpus.texts)
    assert all(t == t.strip() and t.isascii() for t in corpus.texts)
    for label in (0, 1):
        texts = [t for t, y in zip(corpus.texts, corpus.labels) if y == label]
        assert sum(bool(NEGATION.search(t.lower())) for t in texts) >= 30


def test_the_sentiment_split_is_stratified_seeded_and_complete():
    s = sentiment.sentiment_split()
    assert len(s.texts_train) == 300 and len(s.texts_test) == 100
    assert s.y_train.mean() == 0.5 and s.y_test.mean() == 0.5
    assert not set(s.texts_train) & set(s.texts_test)
    corpus = sentiment.load_sentiment()
    label = dict(zip(corpus.texts, corpus.labels))
    assert sorted(s.texts_train + s.texts_test) == sorted(corpus.texts)
    assert [label[t] for t in s.texts_test] == s.y_test.tolist()
    again, other = sentiment.sentiment_split(), sentiment.sentiment_split(seed=1)
    assert again.texts_test == s.texts_test and other.texts_test != s.texts_test
    with pytest.raises(ValueError):
        sentiment.sentiment_split(1.0)


def test_the_checkers_drawn_sentences_are_seeded():
    assert _sentences(3, 4) == _sentences(3, 4) != _sentences(4, 4)


# --------------------------------------------------------------------------------------------
# The figures
# --------------------------------------------------------------------------------------------

def test_the_figures_run_headless():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.plots.language import plot_attention, plot_word_weights

    words = ["good", "bad", "not", "great", "awful", "the"]
    fig = plot_word_weights(words, [1.0, -1.2, -0.1, 0.8, -0.9, 0.0], top=2)
    assert len(fig.axes[0].patches) == 4
    with pytest.raises(ValueError):
        plot_word_weights(words, [1.0])
    weights = attention_weights(np.random.default_rng(0).normal(size=(4, 3)),
                                np.random.default_rng(1).normal(size=(6, 3)))
    fig = plot_attention(weights, "un deu", ["d", "e", "u", "<eos>"])
    assert fig.axes and fig.axes[0].get_xticklabels()[2].get_text() == "\u2423"
    with pytest.raises(ValueError):
        plot_attention(weights, "un", "deux")
