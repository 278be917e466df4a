"""Where the lessons' PyTorch models run: a GPU when there is one, the CPU otherwise.

PyTorch is imported inside the functions, so ``import dlcourse`` stays light.

    device = pick_device()          # torch.device("cuda") on a GPU machine, else "cpu"
    model = Model().to(device)
    if not skip_without_gpu("the CPU-vs-GPU timing"):
        ...                          # a cell tagged `gpu`: only runs where a GPU is
"""
from __future__ import annotations

import os

#: set to "cpu" to keep the lessons on the CPU even where a GPU is present
ENV_DEVICE = "DLCOURSE_DEVICE"


def gpu_available() -> bool:
    """Is there a CUDA GPU that PyTorch can use (and not turned off with DLCOURSE_DEVICE=cpu)?"""
    if os.environ.get(ENV_DEVICE, "").lower() == "cpu":
        return False
    import torch

    return bool(torch.cuda.is_available())


def pick_device():
    """``torch.device("cuda")`` when a GPU is available, else ``torch.device("cpu")``."""
    import torch

    return torch.device("cuda" if gpu_available() else "cpu")


def describe_device(device=None) -> str:
    """One line naming the device the models use, for the lessons to print."""
    import torch

    device = pick_device() if device is None else torch.device(device)
    if device.type == "cuda":
        return f"training on the GPU: {torch.cuda.get_device_name(device)}"
    threads = torch.get_num_threads()
    return f"training on the CPU ({threads} thread{'s' if threads != 1 else ''}); no GPU found"


def skip_without_gpu(what: str) -> bool:
    """For the cells tagged ``gpu``: print one line and return True when there is no GPU.

    A ``gpu`` cell starts with ``if not skip_without_gpu("..."):`` and puts its work in the block,
    so that on a CPU machine it prints a single line and does nothing else.
    """
    if gpu_available():
        return False
    print(f"No GPU here: skipping {what} (this cell is tagged `gpu`).")
    return True
