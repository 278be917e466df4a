"""``python -m dlcourse doctor``: what this environment has, for a student, an instructor or a hub admin.

It reports Python and the course's key packages (each "not installed", "broken: <the error>" or
its version), the CPU threads, the CUDA devices each framework sees (PyTorch, TensorFlow, JAX),
whether nbgrader's server and JupyterLab extensions and the widgets are enabled, whether the
course's JupyterLab settings (no news pop-up) are installed, and whether ``lessons/`` is what
nbgrader generates from ``solutions/``.

    python -m dlcourse doctor            # everything (about 15 s on 2 cores)
    python -m dlcourse doctor --quick    # without the lessons check (about 10 s: the frameworks' imports)
    python -m dlcourse doctor --json     # the same report as one JSON object
    python -m dlcourse doctor --extensions  # only nbgrader's and the widgets' extensions (postBuild)

Each framework is imported in a process of its own, all at once, with a time limit: a framework
that is broken (or crashes, or hangs) is reported as such and the report goes on.

Exit status: 0 nothing wrong, 1 a problem was found (listed under "problems"), 2 bad usage.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: imported in this process (light, and needed by the course everywhere)
LIGHT = ["numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbgrader"]
#: imported each in a process of its own (slow, and a broken one may crash its process)
FRAMEWORKS = ["torch", "tensorflow", "jax"]
#: a framework's probe is stopped after this many seconds
PROBE_TIMEOUT = 25.0

NBGRADER_SERVER_EXTENSIONS = [
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
]
NBGRADER_LAB_EXTENSION = "@jupyter/nbgrader"
WIDGETS_LAB_EXTENSION = "@jupyter-widgets/jupyterlab-manager"

# Each probe prints one JSON object on its last line. The device lists are what each framework
# itself reports: torch.cuda, tf.config.list_physical_devices("GPU"), jax.devices().
_PROBES = {
    "torch": """
import json, time
t0 = time.perf_counter()
import torch
cuda = torch.cuda.is_available()
print(json.dumps({"seconds": round(time.perf_counter() - t0, 1),
                  "version": torch.__version__, "cuda_build": torch.version.cuda,
                  "threads": torch.get_num_threads(),
                  "gpus": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
                          if cuda else []}))
""",
    "tensorflow": """
import json, time
t0 = time.perf_counter()
import tensorflow as tf
out = {"version": tf.__version__, "cuda_build": bool(tf.test.is_built_with_cuda()),
       "gpus": [d.name for d in tf.config.list_physical_devices("GPU")]}
try:
    import keras
    out["keras"] = {"status": "ok", "version": keras.__version__, "backend": keras.backend.backend()}
except Exception as err:
    out["keras"] = {"status": "broken", "error": f"{type(err).__name__}: {err}".splitlines()[0]}
out["seconds"] = round(time.perf_counter() - t0, 1)
print(json.dumps(out))
""",
    "jax": """
import json, time
t0 = time.perf_counter()
import jax
devices = jax.devices()
print(json.dumps({"seconds": round(time.perf_counter() - t0, 1), "version": jax.__version__,
                  "backend": jax.default_backend(),
                  "devices": [str(d) for d in devices],
                  "gpus": [str(d) for d in devices if d.platform == "gpu"]}))
""",
}


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _distribution_version(*names: str) -> tuple[str | None, str | None]:
    for name in names:
        try:
            return metadata.version(name), name
        except metadata.PackageNotFoundError:
            continue
    return None, None


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return True  # a parent package that fails to import: the import below says why


def light_package(name: str) -> dict:
    """Import ``name`` here; its version, or why it cannot be used."""
    if not _installed(name):
        return {"status": "not installed"}
    try:
        module = importlib.import_module(name)
    except Exception as err:  # a broken package must not stop the report
        return {"status": "broken", "error": _one_line(f"{type(err).__name__}: {err}")}
    version = getattr(module, "__version__", None) or _distribution_version(name)[0]
    return {"status": "ok", "version": version}


def _child_env() -> dict:
    env = dict(os.environ)
    # the child sees what this process sees (a course checkout, a path added by a test)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def start_probe(name: str) -> tuple[subprocess.Popen | None, float]:
    if not _installed(name):
        return None, time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", _PROBES[name]], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_child_env(),
                            stdin=subprocess.DEVNULL)
    return proc, time.monotonic()


def finish_probe(name: str, proc: subprocess.Popen | None, started: float,
                 timeout: float = PROBE_TIMEOUT) -> dict:
    if proc is None:
        return {"status": "not installed"}
    try:
        out, err = proc.communicate(timeout=max(0.1, timeout - (time.monotonic() - started)))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"status": "broken", "error": f"importing it took more than {timeout:.0f} s",
                "seconds": round(time.monotonic() - started, 1)}
    seconds = round(time.monotonic() - started, 1)
    if proc.returncode != 0:
        why = _one_line(err) if err.strip() else f"its process ended with status {proc.returncode}"
        return {"status": "broken", "error": why, "seconds": seconds}
    try:
        result = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"status": "broken", "error": "no report from its probe", "seconds": seconds}
    return {"status": "ok", **result}  # "seconds": the import and the device query, in the probe


def cpu_report() -> dict:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count()
    return {"machine": os.cpu_count(), "available": available}


def nvidia_smi() -> dict:
    tool = shutil.which("nvidia-smi")
    if tool is None:
        return {"status": "not found"}
    try:
        result = subprocess.run([tool, "-L"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as err:
        return {"status": "broken", "error": _one_line(str(err))}
    if result.returncode != 0:
        return {"status": "broken", "error": _one_line(result.stderr or result.stdout)}
    return {"status": "ok", "gpus": [line for line in result.stdout.splitlines() if line.strip()]}


def jupyter_report() -> dict:
    """nbgrader's and the widgets' extensions, read from the config the server and JupyterLab read."""
    report: dict = {}
    try:
        from jupyter_core.paths import jupyter_config_path
        from jupyter_server.extension.config import ExtensionConfigManager

        enabled = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
        report["server_extensions"] = {name: bool(enabled.get(name, False))
                                       for name in NBGRADER_SERVER_EXTENSIONS}
    except Exception as err:
        report["server_extensions"] = {"error": _one_line(f"{type(err).__name__}: {err}")}
    try:
        from jupyter_core.paths import jupyter_path
        from jupyterlab.commands import get_app_dir
        from jupyterlab_server.config import get_page_config

        page = get_page_config(jupyter_path("labextensions"),
                               app_settings_dir=str(Path(get_app_dir()) / "settings"))
        found = {e["name"] for e in page.get("federated_extensions", [])}
        disabled = set(page.get("disabledExtensions", []))
        for key, name in (("nbgrader_lab_extension", NBGRADER_LAB_EXTENSION),
                          ("widgets_lab_extension", WIDGETS_LAB_EXTENSION)):
            plugins_off = sorted(d for d in disabled if d == name or d.startswith(name + ":"))
            report[key] = ("not installed" if name not in found
                           else f"disabled: {', '.join(plugins_off)}" if plugins_off else "enabled")
    except Exception as err:
        report["nbgrader_lab_extension"] = report["widgets_lab_extension"] = \
            "unknown: " + _one_line(f"{type(err).__name__}: {err}")
    try:
        from dlcourse import lab_settings

        lacking = lab_settings.missing()
        report["course_settings"] = {"path": str(lab_settings.overrides_path()),
                                     "installed": not lacking, "missing": lacking}
    except Exception as err:
        report["course_settings"] = {"installed": False,
                                     "error": _one_line(f"{type(err).__name__}: {err}")}
    return report


def lessons_report(root: Path = ROOT) -> dict:
    """Is ``lessons/`` exactly what nbgrader generates from ``solutions/`` (regenerated in a temp folder)?"""
    started = time.monotonic()
    if not (root / "solutions").is_dir() or not (root / "lessons").is_dir():
        return {"status": "skipped", "why": f"no solutions/ and lessons/ in {root}"}
    from autograder.lessons import assignments

    ids = assignments(root)
    with tempfile.TemporaryDirectory(prefix="dlcourse-doctor-") as tmp:
        release = Path(tmp)
        # what `make lessons` runs, for every assignment in one nbgrader process (the assignment
        # id is a glob for nbgrader): a few seconds instead of one start-up per lesson
        env = dict(os.environ)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--no-db", "--force",
               "--log-level=WARN", f"--CourseDirectory.root={root}",
               f"--CourseDirectory.release_directory={release}"]
        try:
            result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                                    timeout=120)
        except (OSError, subprocess.TimeoutExpired) as err:
            result = None
            why = _one_line(str(err))
        else:
            why = _one_line(result.stderr or result.stdout)
        if result is None or result.returncode != 0:
            return {"status": "unknown", "error": f"nbgrader generate_assignment failed: {why}",
                    "seconds": round(time.monotonic() - started, 1)}
        # a lesson folder that solutions/ no longer has is stale too
        stale = sorted(p.name for p in (root / "lessons").iterdir()
                       if p.is_dir() and p.name not in ids and any(p.glob("*.ipynb")))
        for folder in ids:
            made = {p.relative_to(release) for p in (release / folder).rglob("*") if p.is_file()}
            have = {p.relative_to(root / "lessons") for p in (root / "lessons" / folder).rglob("*")
                    if p.is_file() and ".ipynb_checkpoints" not in p.parts}
            for rel in sorted(made | have):
                if rel not in made or rel not in have:
                    stale.append(str(rel))
                elif rel.suffix == ".ipynb":
                    try:
                        same = json.loads((release / rel).read_text()) == \
                            json.loads((root / "lessons" / rel).read_text())
                    except ValueError:
                        same = False
                    if not same:
                        stale.append(str(rel))
                elif (release / rel).read_bytes() != (root / "lessons" / rel).read_bytes():
                    stale.append(str(rel))
    return {"status": "up to date" if not stale else "stale", "stale": stale,
            "assignments": len(ids), "seconds": round(time.monotonic() - started, 1)}


def collect(quick: bool = False) -> dict:
    """The whole report, as plain data."""
    started = time.monotonic()
    probes = {name: start_probe(name) for name in FRAMEWORKS}  # they run while we do the rest
    report: dict = {
        "python": {"version": platform.python_version(), "executable": sys.executable,
                   "platform": f"{platform.system()} {platform.machine()}"},
        "cpu": cpu_report(),
        "packages": {name: light_package(name) for name in LIGHT},
        "jupyter": jupyter_report(),
        "nvidia_smi": nvidia_smi(),
        "device_setting": os.environ.get("DLCOURSE_DEVICE", ""),
    }
    report["lessons"] = ({"status": "skipped", "why": "--quick"} if quick else lessons_report())
    report["frameworks"] = {name: finish_probe(name, *probes[name]) for name in FRAMEWORKS}
    tf = report["frameworks"]["tensorflow"]
    report["frameworks"]["keras"] = tf.pop("keras", None) or (
        {"status": "not installed"} if tf["status"] == "not installed" else
        {"status": "unknown", "error": "TensorFlow could not be imported"})
    if tf["status"] == "ok":
        tf["distribution"] = _distribution_version("tensorflow", "tensorflow-cpu")[1]
    report["problems"] = problems(report)
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def extension_problems(jupyter: dict) -> list[str]:
    """nbgrader's server and lab extensions and the widgets' lab extension that are not enabled."""
    found = []
    server = jupyter.get("server_extensions", {})
    if "error" in server:
        found.append(f"nbgrader's server extensions: {server['error']}")
    else:
        off = [name.rsplit(".", 1)[1] for name, on in server.items() if not on]
        if off:
            found.append("nbgrader's server extensions not enabled: " + ", ".join(off))
    for key, what in (("nbgrader_lab_extension", "nbgrader's JupyterLab extension"),
                      ("widgets_lab_extension", "the widgets' JupyterLab extension")):
        if jupyter.get(key) != "enabled":
            found.append(f"{what}: {jupyter.get(key)}")
    return found


def problems(report: dict) -> list[str]:
    found = []
    for name, info in {**report["packages"], **report["frameworks"]}.items():
        if info["status"] == "not installed":
            found.append(f"{name} is not installed (pyproject.toml pins it)")
        elif info["status"] != "ok":
            found.append(f"{name} is {info['status']}: {info.get('error')}")
    jupyter = report["jupyter"]
    found += extension_problems(jupyter)
    if not jupyter.get("course_settings", {}).get("installed"):
        found.append("the course's JupyterLab settings (no news pop-up) are not installed: "
                     "run `python -m dlcourse.lab_settings` (make lab does)")
    lessons = report["lessons"]
    if lessons["status"] == "stale":
        found.append("lessons/ differs from what solutions/ generates: run `make lessons` "
                     f"({', '.join(lessons['stale'][:3])}{', ...' if len(lessons['stale']) > 3 else ''})")
    elif lessons["status"] == "unknown":
        found.append(f"could not regenerate the lessons: {lessons['error']}")
    return found


def _framework_line(name: str, info: dict) -> str:
    if info["status"] == "not installed":
        return f"  {name:<11} not installed"
    if info["status"] != "ok":
        return f"  {name:<11} {info['status']}: {info.get('error')}"
    if name == "keras":
        return f"  {name:<11} {info['version']} (backend: {info.get('backend')})"
    gpus = ", ".join(info.get("gpus") or []) or "none"
    if name == "torch":
        build = f"CUDA {info['cuda_build']} build" if info.get("cuda_build") else "CPU build"
        detail = f"{build}; CUDA devices: {gpus}; {info.get('threads')} threads"
    elif name == "tensorflow":
        build = "CUDA build" if info.get("cuda_build") else "CPU build"
        detail = f"{info.get('distribution')}, {build}; GPUs: {gpus}"
    else:
        detail = f"backend {info.get('backend')}; devices: {', '.join(info.get('devices', []))}"
    return f"  {name:<11} {info['version']}  ({detail}; imported in {info.get('seconds')} s)"


def render(report: dict) -> str:
    py, cpu = report["python"], report["cpu"]
    lines = [f"dlcourse doctor ({report['seconds']} s)",
             f"Python       {py['version']} ({py['executable']}), {py['platform']}",
             f"CPU threads  {cpu['available']} available to this process, {cpu['machine']} in the machine",
             "packages"]
    for name, info in report["packages"].items():
        status = info["version"] if info["status"] == "ok" else (
            info["status"] if info["status"] == "not installed" else f"broken: {info['error']}")
        lines.append(f"  {name:<11} {status}")
    lines += [_framework_line(name, info) for name, info in report["frameworks"].items()]
    smi = report["nvidia_smi"]
    lines.append("GPU")
    lines.append("  nvidia-smi  " + ("; ".join(smi["gpus"]) or "no GPU listed" if smi["status"] == "ok"
                                     else smi["status"] + (f": {smi['error']}" if "error" in smi else "")))
    torch = report["frameworks"]["torch"]
    if torch["status"] == "ok":
        on_gpu = bool(torch.get("gpus")) and report["device_setting"].lower() != "cpu"
        lines.append("  the lessons' PyTorch models train on the " + ("GPU" if on_gpu else "CPU") +
                     (" (DLCOURSE_DEVICE=cpu)" if report["device_setting"].lower() == "cpu" else ""))
    jupyter = report["jupyter"]
    lines.append("JupyterLab")
    server = jupyter.get("server_extensions", {})
    if "error" in server:
        lines.append(f"  nbgrader server extensions: unknown ({server['error']})")
    else:
        on = [name.rsplit(".", 1)[1] for name, enabled in server.items() if enabled]
        lines.append(f"  nbgrader server extensions: {len(on)} of {len(server)} enabled"
                     + (f" ({', '.join(on)})" if on else ""))
    lines.append(f"  nbgrader lab extension ({NBGRADER_LAB_EXTENSION}): {jupyter.get('nbgrader_lab_extension')}")
    lines.append(f"  widgets lab extension ({WIDGETS_LAB_EXTENSION}): {jupyter.get('widgets_lab_extension')}")
    settings = jupyter.get("course_settings", {})
    lines.append("  course settings (no news pop-up): " +
                 (f"installed in {settings.get('path')}" if settings.get("installed")
                  else f"not installed ({settings.get('error') or ', '.join(settings.get('missing', []))})"))
    lessons = report["lessons"]
    lines.append("lessons/")
    if lessons["status"] == "skipped":
        lines.append(f"  not checked ({lessons['why']})")
    elif lessons["status"] == "unknown":
        lines.append(f"  unknown: {lessons['error']}")
    else:
        lines.append(f"  {lessons['status']} with solutions/ ({lessons['assignments']} assignments "
                     f"regenerated by nbgrader in {lessons['seconds']} s)")
        lines += [f"  differs: {path}" for path in lessons["stale"]]
    lines.append("problems: " + ("none" if not report["problems"] else ""))
    lines += [f"  - {p}" for p in report["problems"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dlcourse doctor",
        description="What this environment has: versions, CPU threads, CUDA devices, nbgrader's "
                    "extensions, the course's JupyterLab settings, whether lessons/ is up to date. "
                    "Exit status: 0 nothing wrong, 1 a problem found, 2 bad usage.")
    parser.add_argument("--quick", action="store_true",
                        help="skip the lessons check (regenerating them takes about 5 s)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--extensions", action="store_true",
                        help="only check that nbgrader's and the widgets' extensions are enabled")
    args = parser.parse_args(argv)
    if args.extensions:
        jupyter = jupyter_report()
        jupyter.pop("course_settings")
        found = extension_problems(jupyter)
        print(json.dumps({"jupyter": jupyter, "problems": found}, indent=2) if args.json else
              "\n".join(found or
                        ["nbgrader's server and JupyterLab extensions and the widgets are enabled"]))
        return 1 if found else 0
    report = collect(quick=args.quick)
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
