"""Lesson 07c reference: which network type (lesson 06) suits a task of the handout's table.

``architecture_for(task)`` answers from the kind of data the task takes in and gives out, by the
first rule that applies (:data:`RULES`): a task is described by the keywords of :data:`TASKS`.
"""
from __future__ import annotations

#: the names architecture_for returns (lesson 06's types, and lesson 07b's attention model)
ARCHITECTURES = ("CNN", "RNN", "Transformer", "AE", "GAN", "FF")
#: every task of the quiz: (what it is, the kind of data)
TASKS = {
    "mri_tumour_detection": ("find a tumour in MRI scans (the handout's cancer detection)", "image"),
    "lane_detection": ("find the lanes in a car's camera images (Tesla Autopilot)", "image"),
    "face_recognition": ("tell who is in a photograph", "image"),
    "english_to_french": ("translate English sentences into French", "text_to_text"),
    "chatbot": ("answer a customer's messages", "text_to_text"),
    "stock_prediction": ("forecast tomorrow's price from the past prices", "series"),
    "sensor_forecasting": ("forecast a machine's temperature an hour ahead", "series"),
    "fraud_detection": ("flag fraudulent card payments from their amounts, times and places",
                        "table"),
    "credit_scoring": ("predict from a loan application's fields whether it will be repaid",
                       "table"),
    "anomaly_detection": ("find unusual machine readings without labelled examples",
                          "unlabelled"),
    "image_generation": ("make new realistic faces (deepfakes)", "generate"),
}
#: data kind -> network type, with the reason the notebook gives
RULES = {
    "image": ("CNN", "convolutions find local patterns anywhere in an image"),
    "text_to_text": ("Transformer", "attention relates every word to every other, in parallel"),
    "series": ("RNN", "a sequence in time: the past predicts the next value"),
    "table": ("FF", "fixed-size rows of numbers: a feed-forward network (an MLP)"),
    "unlabelled": ("AE", "reconstruction error is high on what the autoencoder never saw"),
    "generate": ("GAN", "a generator trained against a discriminator makes new samples"),
}


def architecture_for(task: str) -> str:
    """The network type for ``task`` (a key of :data:`TASKS`): one of :data:`ARCHITECTURES`."""
    return RULES[TASKS[task][1]][0]
