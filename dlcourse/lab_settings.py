"""The course's JupyterLab settings: defaults that differ from JupyterLab's own.

JupyterLab reads default overrides from ``{sys.prefix}/share/jupyter/lab/settings/overrides.json``.
The course ships its overrides in ``jupyterlab-settings/overrides.json`` (no news pop-up and no
update check over a lesson: ``fetchNews`` is "false"); ``make lab``'s set-up and Binder's
``postBuild`` install them with ``python -m dlcourse.lab_settings``, merging them into any
overrides already there.

    python -m dlcourse.lab_settings            # install into this environment (sys.prefix)
    python -m dlcourse.lab_settings --check    # exit 1 when they are not installed
    python -m dlcourse.lab_settings --prefix P # another prefix (a scratch one in the tests)

Exit status: 0 done (or installed, with --check), 1 not installed (--check), 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

#: the overrides shipped with the repository
SOURCE = Path(__file__).resolve().parent.parent / "jupyterlab-settings" / "overrides.json"


def overrides_path(prefix: str | Path | None = None) -> Path:
    """Where JupyterLab installed in ``prefix`` (default: this Python's) reads default overrides."""
    return Path(sys.prefix if prefix is None else prefix) / "share" / "jupyter" / "lab" / \
        "settings" / "overrides.json"


def course_overrides(source: Path = SOURCE) -> dict:
    """The course's overrides: {plugin id: {setting: value}}."""
    return json.loads(source.read_text())


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return data


def missing(prefix: str | Path | None = None, source: Path = SOURCE) -> list[str]:
    """The course's settings that ``prefix``'s overrides lack or set otherwise ("plugin:key")."""
    try:
        installed = _read(overrides_path(prefix))
    except ValueError:
        installed = {}
    return [f"{plugin} {key}" for plugin, settings in course_overrides(source).items()
            for key, value in settings.items()
            if not isinstance(installed.get(plugin), dict) or installed[plugin].get(key) != value]


def install(prefix: str | Path | None = None, source: Path = SOURCE) -> Path:
    """Merge the course's overrides into ``prefix``'s overrides.json (others' settings are kept)."""
    path = overrides_path(prefix)
    merged = _read(path)
    for plugin, settings in course_overrides(source).items():
        current = merged.get(plugin)
        merged[plugin] = {**(current if isinstance(current, dict) else {}), **settings}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlcourse.lab_settings",
                                     description="Install the course's JupyterLab settings overrides.")
    parser.add_argument("--prefix", help="the environment's prefix (default: sys.prefix)")
    parser.add_argument("--check", action="store_true",
                        help="only check; exit 1 when the overrides are not installed")
    args = parser.parse_args(argv)
    try:
        if args.check:
            lacking = missing(args.prefix)
            for item in lacking:
                print(f"not set in {overrides_path(args.prefix)}: {item}")
            if not lacking:
                print(f"the course's JupyterLab settings are installed: {overrides_path(args.prefix)}")
            return 1 if lacking else 0
        print(f"installed the course's JupyterLab settings: {install(args.prefix)}")
        return 0
    except (OSError, ValueError) as err:  # json.JSONDecodeError is a ValueError
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
