"""Create (or remove) the Unix accounts of a class, one per student, for the course's hub.

    sudo .venv/bin/python deploy/jupyterhub/accounts.py roster.txt --passwords passwords.csv
    sudo .venv/bin/python deploy/jupyterhub/accounts.py roster.txt --remove

``roster.txt`` has one user name a line (the same file the hub reads, ``DLCOURSE_HUB_ROSTER``).
Each missing account is made with ``useradd`` (a home folder that only its owner can read) and,
with ``--passwords FILE``, a random first password, set with ``chpasswd`` and written to FILE
(``name,password``, readable by root only) for the instructor to hand out. Existing accounts are
left as they are. ``--remove`` deletes the accounts and their home folders (``userdel -r``).
Names must be valid Unix user names; a bad one stops the run before any account is touched.
"""
from __future__ import annotations

import argparse
import os
import pwd
import re
import secrets
import subprocess
import sys
from pathlib import Path

#: what useradd accepts on Debian without --badname
NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


def read_roster(path: Path) -> list[str]:
    names = [line.strip() for line in path.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    bad = [name for name in names if not NAME.match(name)]
    if bad:
        raise ValueError(f"not valid Unix user names: {', '.join(bad)}")
    return names


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def create(name: str, home_base: Path | None = None) -> bool:
    """Create ``name`` with a private home folder; False if it was already there."""
    if exists(name):
        return False
    cmd = ["useradd", "--create-home", "--shell", "/bin/bash", "--user-group"]
    if home_base is not None:
        cmd += ["--home-dir", str(home_base / name)]
    subprocess.run(cmd + [name], check=True, capture_output=True, text=True)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    return True


def set_password(name: str) -> str:
    password = secrets.token_urlsafe(12)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", check=True, text=True,
                   capture_output=True)
    return password


def remove(name: str) -> bool:
    if not exists(name):
        return False
    subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True, check=False)
    subprocess.run(["userdel", "--remove", name], check=True, capture_output=True, text=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="accounts.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roster", type=Path, help="one user name a line")
    parser.add_argument("--passwords", type=Path, help="set random passwords, write them here")
    parser.add_argument("--home-base", type=Path, help="make the homes here (default: /home)")
    parser.add_argument("--remove", action="store_true", help="delete the accounts instead")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("error: run as root (sudo): accounts are made with useradd", file=sys.stderr)
        return 2
    try:
        names = read_roster(args.roster)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.remove:
        gone = [name for name in names if remove(name)]
        print(f"removed {len(gone)} of {len(names)} accounts")
        return 0
    made = [name for name in names if create(name, args.home_base)]
    if args.passwords:
        args.passwords.touch(mode=0o600)
        with args.passwords.open("a") as out:
            for name in made:
                out.write(f"{name},{set_password(name)}\n")
    print(f"created {len(made)} accounts, {len(names) - len(made)} were already there")
    return 0


if __name__ == "__main__":
    sys.exit(main())
