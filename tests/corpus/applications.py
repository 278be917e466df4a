"""Lesson 07c corpus: architecture_for.

See ``corpus/__init__`` for the tables. The right answers are a dictionary of the eleven tasks, a
two-step lookup (task -> kind of data -> network) and a chain of ifs; the wrong ones follow the
handout too literally (Google Translate's RNNs), confuse fraud detection with anomaly detection,
name a network another way ("LSTM", "MLP", "cnn"), or forget tasks.
"""
from __future__ import annotations

ANSWERS = {
    "mri_tumour_detection": "CNN", "lane_detection": "CNN", "face_recognition": "CNN",
    "english_to_french": "Transformer", "chatbot": "Transformer",
    "stock_prediction": "RNN", "sensor_forecasting": "RNN",
    "fraud_detection": "FF", "credit_scoring": "FF",
    "anomaly_detection": "AE", "image_generation": "GAN",
}


def architecture_for_dictionary(task):
    return ANSWERS[task]


def architecture_for_two_steps(task):
    kind = {"mri_tumour_detection": "image", "lane_detection": "image",
            "face_recognition": "image", "english_to_french": "text", "chatbot": "text",
            "stock_prediction": "series", "sensor_forecasting": "series",
            "fraud_detection": "table", "credit_scoring": "table",
            "anomaly_detection": "unlabelled", "image_generation": "generate"}[task]
    return {"image": "CNN", "text": "Transformer", "series": "RNN", "table": "FF",
            "unlabelled": "AE", "generate": "GAN"}[kind]


def architecture_for_ifs(task):
    if task in ("mri_tumour_detection", "lane_detection", "face_recognition"):
        return "CNN"
    if task in ("english_to_french", "chatbot"):
        return "Transformer"
    if task.endswith(("_prediction", "_forecasting")):
        return "RNN"
    if task in ("fraud_detection", "credit_scoring"):
        return "FF"
    if task == "anomaly_detection":
        return "AE"
    return "GAN"


def architecture_for_handout_translate(task):
    """Google Translate as the handout describes it: sequence-to-sequence RNNs."""
    return "RNN" if task in ("english_to_french", "chatbot") else ANSWERS[task]


def architecture_for_fraud_is_anomaly(task):
    return "AE" if task == "fraud_detection" else ANSWERS[task]


def architecture_for_anomaly_over_time(task):
    return "RNN" if task == "anomaly_detection" else ANSWERS[task]


def architecture_for_lstm(task):
    return "LSTM" if ANSWERS[task] == "RNN" else ANSWERS[task]


def architecture_for_mlp(task):
    return "MLP" if ANSWERS[task] == "FF" else ANSWERS[task]


def architecture_for_lowercase(task):
    return ANSWERS[task].lower()


def architecture_for_autoencoder(task):
    return "Autoencoder" if ANSWERS[task] == "AE" else ANSWERS[task]


def architecture_for_always_cnn(task):
    return "CNN"


def architecture_for_missing_tasks(task):
    """Only the four tasks the notebook shows."""
    return {"mri_tumour_detection": "CNN", "english_to_french": "Transformer",
            "lane_detection": "CNN", "fraud_detection": "FF"}.get(task)


def architecture_for_raises(task):
    """A dictionary without the chatbot."""
    table = dict(ANSWERS)
    del table["chatbot"]
    return table[task]


def architecture_for_with_reason(task):
    return ANSWERS[task], "because"


def architecture_for_ae_gan_swapped(task):
    return {"AE": "GAN", "GAN": "AE"}.get(ANSWERS[task], ANSWERS[task])


def architecture_for_unknown_name(task):
    return "BERT" if ANSWERS[task] == "Transformer" else ANSWERS[task]


RIGHT = {
    "architecture_for": [architecture_for_dictionary, architecture_for_two_steps,
                         architecture_for_ifs],
}

WRONG = [
    ("architecture_for", architecture_for_handout_translate,
     r"(?s)returned 'RNN', but the rule gives 'Transformer'.*The handout's Google Translate used "
     r"sequence-to-sequence RNNs/LSTMs"),
    ("architecture_for", architecture_for_fraud_is_anomaly,
     r"(?s)returned 'AE', but the rule gives 'FF'.*Fraud detection here has labels"),
    ("architecture_for", architecture_for_anomaly_over_time,
     r"(?s)'anomaly_detection' has no labelled examples"),
    ("architecture_for", architecture_for_lstm,
     r"returned 'LSTM', which is a recurrent network \(an LSTM and a GRU are RNNs with gates\): "
     r"answer with one of the six names"),
    ("architecture_for", architecture_for_mlp, r"returned 'MLP', which is a feed-forward network"),
    ("architecture_for", architecture_for_lowercase,
     r"returned 'cnn': return the name exactly as the exercise writes it, 'CNN'"),
    ("architecture_for", architecture_for_autoencoder, r"returned 'Autoencoder', which is an autoencoder"),
    ("architecture_for", architecture_for_always_cnn,
     r"(?s)returned 'CNN', but the rule gives 'Transformer'.*the rule 'text_to_text' -> "
     r"'Transformer' decides: attention relates every word"),
    ("architecture_for", architecture_for_missing_tasks,
     r"(?s)case 'a chatbot: chatbot' \(a hidden case\).*returned None"),
    ("architecture_for", architecture_for_raises, r"raised KeyError: 'chatbot'"),
    ("architecture_for", architecture_for_with_reason, r"should return a string, one of \["),
    ("architecture_for", architecture_for_ae_gan_swapped,
     r"(?s)returned 'GAN', but the rule gives 'AE'.*'unlabelled' -> 'AE' decides"),
    ("architecture_for", architecture_for_unknown_name,
     r"returned 'BERT', which is not one of the six names"),
]
