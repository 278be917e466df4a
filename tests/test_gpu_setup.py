"""`make lab GPU=1` swaps in the CUDA builds at the versions pyproject.toml pins; plain `make lab`
stays on the CPU builds. Checked on the plan `make -n` prints (this machine installs nothing)."""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: what every environment installs: the repository with its test, website and hub extras
BASE_EXTRAS = f"{ROOT}[test,site,hub]"


def _pin(name: str) -> str:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return next(d.split("==")[1] for d in deps if d.split("==")[0] == name)


def _plan(tmp_path, *args) -> list[str]:
    # a venv that does not exist yet: make plans every step, from creating it to starting JupyterLab
    result = subprocess.run(["make", "-n", "lab", f"VENV={tmp_path / 'venv'}", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _index(lines, pattern):
    return next(i for i, line in enumerate(lines) if re.search(pattern, line))


def test_gpu_1_installs_the_cuda_builds_of_the_pinned_versions_before_lab(tmp_path):
    lines = _plan(tmp_path, "GPU=1")
    torch, tf, jax = _pin("torch"), _pin("tensorflow-cpu"), _pin("jax")
    base = _index(lines, re.escape(f'pip install --quiet -e "{BASE_EXTRAS}"'))
    cuda_torch = _index(lines, re.escape(f'"torch=={torch}+cu130" --index-url '
                                         "https://download.pytorch.org/whl/cu130"))
    remove_cpu_tf = _index(lines, r"pip uninstall --quiet -y tensorflow-cpu$")
    restore_files = _index(lines, re.escape(f'--force-reinstall --no-deps "tensorflow=={tf}"'))
    cuda_rest = _index(lines, re.escape(f'"tensorflow[and-cuda]=={tf}" "jax[cuda12]=={jax}"'))
    lab = _index(lines, r"jupyter lab ")
    assert base < cuda_torch < remove_cpu_tf < restore_files < cuda_rest < lab


def test_the_cuda_variant_of_torch_can_be_chosen(tmp_path):
    lines = _plan(tmp_path, "GPU=1", "TORCH_CUDA=cu126")
    assert any(f'"torch=={_pin("torch")}+cu126" --index-url https://download.pytorch.org/whl/cu126'
               in line for line in lines)


@pytest.mark.parametrize("gpu", [None, "0", ""])
def test_without_gpu_nothing_cuda_is_installed(tmp_path, gpu):
    plan = "\n".join(_plan(tmp_path, *([] if gpu is None else [f"GPU={gpu}"])))
    assert f'pip install --quiet -e "{BASE_EXTRAS}"' in plan and "jupyter lab " in plan
    for cuda in ("download.pytorch.org", "and-cuda", "cuda12", "uninstall"):
        assert cuda not in plan
