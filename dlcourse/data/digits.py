"""scikit-learn's handwritten digits (shipped with the package, nothing is downloaded), split once.

1797 images of 8 x 8 pixels with grey levels 0 to 16, flattened into rows of 64 features and
scaled to [0, 1]. The split into training and test images is stratified (each digit keeps its
share in both parts) and fixed by a seed, so every lesson, checker and benchmark that asks for the
default split gets the same images.
"""
from __future__ import annotations

import numpy as np

#: the default split: 20 % of the images for testing, drawn with this seed
TEST_SIZE = 0.2
SEED = 0


def load_digits_split(test_size: float = TEST_SIZE,
                      seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, X_test, y_train, y_test)`` of the digits, a stratified split fixed by ``seed``.

    X_*: (n, 64) float64 pixels in [0, 1], each row an 8 x 8 image read line by line
    (``X[i].reshape(8, 8)`` is the image); y_*: (n,) int64 digits 0-9. With the defaults
    1437 training and 360 test images.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y)
    return X_train, X_test, y_train, y_test
