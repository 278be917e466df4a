"""scikit-learn's handwritten digits (shipped with the package, nothing is downloaded), split once.

``load_digits()`` reads them as scikit-learn does; ``load_digits_split()`` splits them.

1797 images of 8 x 8 pixels with grey levels 0 to 16, flattened into rows of 64 features and
scaled to [0, 1]. The split into training and test images is stratified (each digit keeps its
share in both parts) and fixed by a seed, so every lesson, checker and benchmark that asks for the
default split gets the same images.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import numpy as np

#: the default split: 20 % of the images for testing, drawn with this seed
TEST_SIZE = 0.2
SEED = 0


def load_digits() -> SimpleNamespace:
    """The digits as ``sklearn.datasets.load_digits()`` gives them, read straight from the file
    scikit-learn ships: the same arrays, without the seconds that importing scikit-learn takes.

    ``images``: (1797, 8, 8) float64 grey levels 0-16; ``data``: (1797, 64), each image read line
    by line; ``target``: (1797,) int64 digits 0-9; ``target_names``: the digits 0-9.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is not installed: it ships the digits data set")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
    table = np.loadtxt(path, delimiter=",", dtype=np.float64)
    data, target = table[:, :-1], table[:, -1].astype(np.int64)
    return SimpleNamespace(data=data, target=target, images=data.reshape(-1, 8, 8),
                           target_names=np.arange(10))


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
