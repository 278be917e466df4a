"""Generated English -> French pairs of lesson 07b: the numbers 0 to 999 written in words.

Nothing is downloaded: both languages are written by rules, so every pair is right and the data
set is as large as we like. ``english(n)`` and ``french(n)`` spell one number;
``translation_split`` gives the lesson's task, split **by number** (a test number and its words
never appear in training); ``CharVocabulary`` turns the words into integer codes, one per
character, for a character-level sequence-to-sequence model.

English is written the American way, without "and": 342 -> "three hundred forty-two".
French follows the traditional spelling (before the 1990 reform: hyphens only between tens and
units below one hundred): 21 "vingt et un", 71 "soixante et onze", 80 "quatre-vingts",
81 "quatre-vingt-un", 200 "deux cents", 201 "deux cent un", 280 "deux cent quatre-vingts".
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Sequence

import numpy as np

#: the numbers of the task: 0 .. 999
N_NUMBERS = 1000
#: the default split: 20 % of the numbers for testing, drawn with this seed
TEST_FRACTION = 0.2
SEED = 0

_EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

_FR_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
             "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept",
             "dix-huit", "dix-neuf"]
_FR_TENS = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante"]


def _check(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"a number 0 .. 999 was expected, not {n!r}")
    if not 0 <= n < N_NUMBERS:
        raise ValueError(f"only the numbers 0 .. 999 are spelled here, not {n}")
    return int(n)


def english(n: int) -> str:
    """``n`` (0 .. 999) in English words: 0 "zero", 21 "twenty-one", 100 "one hundred",
    342 "three hundred forty-two" (no "and")."""
    n = _check(n)
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_UNITS[units]}" if units else "")
    hundreds, rest = divmod(n, 100)
    words = f"{_EN_UNITS[hundreds]} hundred"
    return words + (f" {english(rest)}" if rest else "")


def _french_below_100(n: int) -> str:
    if n < 20:
        return _FR_UNITS[n]
    tens, units = divmod(n, 10)
    if tens in (7, 9):                    # 70-79: soixante + 10..19; 90-99: quatre-vingt + 10..19
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = 10 + units
        if tens == 7 and units == 1:
            return "soixante et onze"
        return f"{base}-{_FR_UNITS[rest]}"
    if tens == 8:                         # 80 quatre-vingts, 81 quatre-vingt-un (no "et")
        return "quatre-vingts" if units == 0 else f"quatre-vingt-{_FR_UNITS[units]}"
    base = _FR_TENS[tens]
    if units == 0:
        return base
    if units == 1:
        return f"{base} et un"            # 21 vingt et un ... 61 soixante et un
    return f"{base}-{_FR_UNITS[units]}"


def french(n: int) -> str:
    """``n`` (0 .. 999) in French words, traditional spelling: 0 "zéro", 21 "vingt et un",
    71 "soixante et onze", 80 "quatre-vingts", 81 "quatre-vingt-un", 100 "cent",
    200 "deux cents", 201 "deux cent un", 280 "deux cent quatre-vingts"."""
    n = _check(n)
    if n < 100:
        return _french_below_100(n)
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words = "cent"
    else:                                 # "cents" takes its s only when nothing follows
        words = f"{_FR_UNITS[hundreds]} cent" + ("" if rest else "s")
    return words + (f" {_french_below_100(rest)}" if rest else "")


def translation_pairs(numbers: Sequence[int] | None = None) -> list[tuple[str, str]]:
    """``[(english(n), french(n)) for n in numbers]`` (every number 0 .. 999 by default)."""
    numbers = range(N_NUMBERS) if numbers is None else numbers
    return [(english(n), french(n)) for n in numbers]


def translation_split(test_fraction: float = TEST_FRACTION, seed: int = SEED) -> SimpleNamespace:
    """The lesson's task: the numbers 0 .. 999 split at random into training and test numbers.

    Returns a namespace with ``train_numbers`` (800,) and ``test_numbers`` (200,) int64 arrays
    (each sorted; together every number once, with the default ``test_fraction`` 0.2), and the
    lists of strings ``english_train``, ``french_train``, ``english_test``, ``french_test`` in
    the same order. The same seed always gives the same split.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError("test_fraction must lie strictly between 0 and 1")
    rng = np.random.default_rng(seed)
    order = rng.permutation(N_NUMBERS)
    n_test = int(round(test_fraction * N_NUMBERS))
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    return SimpleNamespace(
        train_numbers=train.astype(np.int64), test_numbers=test.astype(np.int64),
        english_train=[english(n) for n in train], french_train=[french(n) for n in train],
        english_test=[english(n) for n in test], french_test=[french(n) for n in test])


class CharVocabulary:
    """The characters of some texts, each given an integer code, plus three special symbols.

    Code 0 is ``PAD`` (filling a short text up to the batch's length), 1 is ``BOS`` (begin of
    sequence: the decoder's first input) and 2 is ``EOS`` (end of sequence: the model writes it
    when it has finished); the characters follow, sorted, from code 3.

    >>> vocab = CharVocabulary(["un", "deux"])    # d e n u x get the codes 3 4 5 6 7
    >>> vocab.encode(["un"], length=4)            # u, n, EOS, PAD
    array([[6, 5, 2, 0]])
    >>> vocab.decode([6, 5, 2, 0])
    'un'
    """

    PAD, BOS, EOS = 0, 1, 2
    SPECIALS = ("<pad>", "<bos>", "<eos>")

    def __init__(self, texts: Sequence[str]):
        self.chars: list[str] = sorted(set("".join(texts)))
        self.symbols: list[str] = list(self.SPECIALS) + self.chars
        self.index: dict[str, int] = {c: i for i, c in enumerate(self.symbols)}

    def __len__(self) -> int:
        return len(self.symbols)

    def encode(self, texts: Sequence[str], length: int | None = None, *,
               bos: bool = False) -> np.ndarray:
        """``texts`` -> (len(texts), length) int64 codes: [BOS] (if ``bos``), the characters,
        EOS, then PAD up to ``length`` (default: the longest text's, EOS and BOS included).
        Raises ``KeyError`` for a character outside the vocabulary."""
        extra = 1 + int(bos)
        length = max(len(t) for t in texts) + extra if length is None else int(length)
        codes = np.full((len(texts), length), self.PAD, dtype=np.int64)
        for row, text in enumerate(texts):
            seq = ([self.BOS] if bos else []) + [self.index[c] for c in text] + [self.EOS]
            if len(seq) > length:
                raise ValueError(f"{text!r} needs {len(seq)} codes, more than length={length}")
            codes[row, :len(seq)] = seq
        return codes

    def decode(self, codes: Sequence[int]) -> str:
        """One row of codes -> its text: the characters up to the first EOS (BOS and PAD
        skipped)."""
        out = []
        for code in np.asarray(codes).tolist():
            if code == self.EOS:
                break
            if code >= len(self.SPECIALS):
                out.append(self.symbols[code])
        return "".join(out)
