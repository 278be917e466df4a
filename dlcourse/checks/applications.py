"""Lesson 07c exercise: architecture_for (a quiz: which network type of lesson 06 suits a task).

``architecture_for(task)`` returns one of six names (:data:`dlcourse.reference.applications.
ARCHITECTURES`) for a task key of :data:`~dlcourse.reference.applications.TASKS`. The answer
follows from the kind of data the task works on, by the rules of
:data:`~dlcourse.reference.applications.RULES` (the notebook gives each task's kind of data and
teaches the rules). The visible cases are the handout's two tasks and its Tesla Autopilot example,
and this notebook's fraud detection; the hidden cases ask every task, and one drawn at random.

Answers are compared as strings, exactly: a near miss (``"cnn"``, ``"LSTM"``, ``"MLP"``,
``"Autoencoder"``) gets a message of its own, and every case's hint names the rule that decides.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import applications as ref
from .core import ATOL, RTOL, Case, Exercise, Mistake, describe, redraw

_RULE_TEXT = "The rules: " + "; ".join(f"{kind!r} -> {net!r}" for kind, (net, _) in
                                      ref.RULES.items()) + "."

#: names students write for one of the six answers (lowercase) -> that answer
SYNONYMS = {
    "lstm": "RNN", "gru": "RNN", "recurrent": "RNN", "seq2seq": "RNN",
    "mlp": "FF", "dff": "FF", "dnn": "FF", "feedforward": "FF", "feed-forward": "FF",
    "feed forward": "FF", "dense": "FF",
    "autoencoder": "AE", "auto-encoder": "AE", "vae": "AE", "dae": "AE", "sae": "AE",
    "convnet": "CNN", "convolutional": "CNN",
    "attention": "Transformer", "transformers": "Transformer",
}

_WHAT = {"RNN": "a recurrent network (an LSTM and a GRU are RNNs with gates)",
         "FF": "a feed-forward network (an MLP, a deep feed-forward network)",
         "AE": "an autoencoder (denoising, sparse and variational ones are autoencoders too)",
         "CNN": "a convolutional network",
         "Transformer": "a Transformer (the attention network)"}


def _name_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """architecture_for returns one of the six names, spelt exactly."""
    if isinstance(got, str) and got == expected:
        return None
    names = list(ref.ARCHITECTURES)
    if got is None:
        return "architecture_for returned None. Did you forget a `return` (for every task)?"
    if not isinstance(got, str):
        return (f"architecture_for should return a string, one of {names}, but it returned "
                f"{describe(got)} ({type(got).__name__}).")
    word = got.strip().lower()
    if word == expected.lower():
        return (f"architecture_for returned {got!r}: return the name exactly as the exercise "
                f"writes it, {expected!r} (capitals as shown, no spaces).")
    if word in SYNONYMS:
        same = SYNONYMS[word]
        if same == expected:
            return (f"architecture_for returned {got!r}, which is {_WHAT[same]}: answer with one "
                    f"of the six names {names}, here {expected!r}.")
        return (f"architecture_for returned {got!r}, which is {_WHAT[same]} ({same!r}), but the "
                f"rule gives {expected!r}.")
    if got not in ref.ARCHITECTURES:
        return (f"architecture_for returned {got!r}, which is not one of the six names {names} "
                f"(expected {expected!r}).")
    return f"architecture_for returned {got!r}, but the rule gives {expected!r}."


def _why(task: str) -> str:
    """The hint of a case: the task's kind of data and the rule that decides."""
    what, kind = ref.TASKS[task]
    net, reason = ref.RULES[kind]
    return (f"{task!r} ({what}) works on data of the kind {kind!r}, so the rule {kind!r} -> "
            f"{net!r} decides: {reason}. {_RULE_TEXT}")


def _ask(name: str, task: str, *, hidden: bool = False) -> Case:
    return Case(f"{name}: {task}", (task,), hidden=hidden, hint=_why(task))


def _any_task(seed: int) -> tuple:
    """(task,): one task of the quiz, drawn at random."""
    tasks = sorted(ref.TASKS)
    return (tasks[int(np.random.default_rng(seed).integers(len(tasks)))],)


def _kind_answer(task: str, kind: str, answer: str) -> str:
    """The reference's answer, except ``answer`` for the tasks of one kind of data."""
    return answer if ref.TASKS[task][1] == kind else ref.architecture_for(task)


def _translation_as_rnn(task: str) -> str:
    return _kind_answer(task, "text_to_text", "RNN")


def _fraud_as_anomaly(task: str) -> str:
    return "AE" if task == "fraud_detection" else ref.architecture_for(task)


def _anomaly_as_series(task: str) -> str:
    return "RNN" if task == "anomaly_detection" else ref.architecture_for(task)


ARCHITECTURE_FOR = Exercise(
    name="architecture_for",
    params=("task",),
    reference=ref.architecture_for,
    compare=_name_compare,
    cases=[
        _ask("the handout's cancer detection from MRI scans", "mri_tumour_detection"),
        _ask("the handout's English -> French translation", "english_to_french"),
        _ask("Tesla Autopilot's lane detection", "lane_detection"),
        _ask("this notebook's fraud detection", "fraud_detection"),
        _ask("a chatbot", "chatbot", hidden=True),
        _ask("the handout's stock prediction", "stock_prediction", hidden=True),
        _ask("forecasting a sensor", "sensor_forecasting", hidden=True),
        _ask("face recognition", "face_recognition", hidden=True),
        _ask("credit scoring", "credit_scoring", hidden=True),
        _ask("anomaly detection without labels", "anomaly_detection", hidden=True),
        _ask("generating images", "image_generation", hidden=True),
        Case("a task drawn at random", redraw(_any_task), hidden=True, hint=_RULE_TEXT),
    ],
    mistakes=[
        Mistake("The handout's Google Translate used sequence-to-sequence RNNs/LSTMs (Google's "
                "2016 system); the handout's own answer to the English -> French task says "
                "Transformers are better (attention, parallel processing), and Transformers have "
                "replaced RNNs for text -> text (Google Translate's models have used a "
                "Transformer encoder since 2020): 'Transformer'. " + _RULE_TEXT, _translation_as_rnn),
        Mistake("Fraud detection here has labels (every past payment is marked fraud or not, as "
                "in this notebook): each payment is a row of numbers with a label, so the rule "
                "'table' -> 'FF' decides. An autoencoder is for when there are no labels at all "
                "(the rule 'unlabelled' -> 'AE'). " + _RULE_TEXT, _fraud_as_anomaly),
        Mistake("'anomaly_detection' has no labelled examples: nothing says which readings are "
                "unusual, so no network can be trained to predict it; the rule 'unlabelled' -> "
                "'AE' decides (an autoencoder learns to rebuild normal readings and rebuilds "
                "unusual ones badly). " + _RULE_TEXT, _anomaly_as_series),
    ],
)

EXERCISES = [ARCHITECTURE_FOR]
