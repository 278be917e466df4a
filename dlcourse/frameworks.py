"""Importing TensorFlow quietly, the documented way (lesson 08, and the probes that build Keras).

TensorFlow writes log lines to stderr when it loads (oneDNN's "custom operations are on", absl's
"All log messages before absl::InitializeLog()"). In a notebook they are noise; in a graded test
cell they cost the student the cell's points, since nbgrader scores 0 when a test cell writes to
stderr. :func:`import_tensorflow` sets TensorFlow's own switches before the import:

- ``TF_CPP_MIN_LOG_LEVEL=2``: only errors from TensorFlow's C++ side;
- ``TF_ENABLE_ONEDNN_OPTS=0``: the switch the oneDNN message itself names (that line is written
  before any log level is read); the kernels differ only in float32 round-off;

and afterwards turns TensorFlow's Python logger and absl's down to errors. The student's own
errors and warnings are untouched. Call it before anything else imports TensorFlow (``import
keras`` does): once TensorFlow is loaded the environment variables no longer apply.
"""
from __future__ import annotations

import logging
import os
import sys

#: the environment TensorFlow reads when it loads
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_environment(env: dict | None = None) -> dict:
    """Set TensorFlow's quiet switches in ``env`` (``os.environ`` by default) unless already set."""
    env = os.environ if env is None else env
    for key, value in QUIET_ENV.items():
        env.setdefault(key, value)
    return env


def import_tensorflow():
    """``import tensorflow`` without its start-up log lines; returns the module."""
    if "tensorflow" not in sys.modules:
        quiet_environment()
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # absl comes with TensorFlow; without it there is nothing to quiet
        pass
    return tf


def import_keras():
    """Keras 3 on the TensorFlow backend, TensorFlow imported quietly first; returns ``keras``."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import_tensorflow()
    import keras

    return keras
