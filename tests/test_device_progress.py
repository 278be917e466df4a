"""The lessons' shared helpers for PyTorch cells: the device picker and the progress bars."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest

from dlcourse import device, progress


def test_importing_the_package_and_its_checkers_loads_no_framework():
    code = ("import sys, dlcourse, dlcourse.checks, dlcourse.device, dlcourse.progress, "
            "dlcourse.reference, dlcourse.frameworks, dlcourse.probes.frameworks, "
            "dlcourse.probes.autodiff, dlcourse.reference.frameworks, dlcourse.reference.autodiff\n"
            "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'jax', 'onnx', 'onnxruntime', "
            "'matplotlib', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_cpu_is_chosen_when_the_gpu_is_turned_off(monkeypatch):
    import torch

    monkeypatch.setenv(device.ENV_DEVICE, "cpu")
    assert device.gpu_available() is False
    assert device.pick_device() == torch.device("cpu")
    assert device.describe_device().startswith("training on the CPU")


def test_the_device_follows_what_pytorch_sees(monkeypatch):
    import torch

    monkeypatch.delenv(device.ENV_DEVICE, raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert device.pick_device().type == expected
    assert device.describe_device().startswith(
        "training on the GPU" if expected == "cuda" else "training on the CPU")


def test_a_gpu_cell_skips_with_one_line_without_a_gpu(monkeypatch, capsys):
    monkeypatch.setenv(device.ENV_DEVICE, "cpu")
    assert device.skip_without_gpu("the timing of the CNN") is True
    out, err = capsys.readouterr()
    assert out == "No GPU here: skipping the timing of the CNN (this cell is tagged `gpu`).\n"
    assert err == ""


def test_a_gpu_cell_runs_where_a_gpu_is(monkeypatch, capsys):
    monkeypatch.delenv(device.ENV_DEVICE, raising=False)
    monkeypatch.setattr(device, "gpu_available", lambda: True)
    assert device.skip_without_gpu("anything") is False
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("value", ["off", "0", "OFF", "false"])
def test_progress_bars_turned_off_return_the_iterable_itself(monkeypatch, value):
    monkeypatch.setenv(progress.ENV_PROGRESS, value)
    items = range(5)
    assert progress.progress(items, desc="training") is items


def test_progress_bars_on_draw_a_tqdm_bar(monkeypatch):
    from tqdm.auto import tqdm

    monkeypatch.setenv(progress.ENV_PROGRESS, "on")
    stream = io.StringIO()
    bar = progress.progress(range(3), desc="epochs", file=stream)
    assert isinstance(bar, tqdm)
    assert list(bar) == [0, 1, 2]
    assert "epochs" in stream.getvalue() and "3/3" in stream.getvalue()
