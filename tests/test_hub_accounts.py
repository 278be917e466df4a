"""deploy/jupyterhub/accounts.py: the class's Unix accounts for the hub, and its bad input.

Creating and removing real accounts is exercised by tests/test_hub.py (three students per run);
here, what must stop the tool before it touches any account.
"""
from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
import accounts  # deploy/jupyterhub/accounts.py: a script, not a package


def test_a_roster_is_names_one_a_line_with_comments_and_blank_lines(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("# week 1\nada\n\n  bob_2 \ncy-3\n")
    assert accounts.read_roster(roster) == ["ada", "bob_2", "cy-3"]


@pytest.mark.parametrize("bad", ["Ada", "root;rm", "../x", "9lives", "a" * 33, "x y"])
def test_a_bad_name_stops_the_run_before_any_account(tmp_path, bad):
    good = f"dlq{secrets.token_hex(3)}"
    roster = tmp_path / "roster.txt"
    roster.write_text(f"{good}\n{bad}\n")
    result = subprocess.run([sys.executable, str(ROOT / "deploy" / "jupyterhub" / "accounts.py"),
                             str(roster)], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "not valid Unix user names" in result.stderr or "run as root" in result.stderr
    assert not accounts.exists(good)


def test_a_missing_roster_is_one_clear_line(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "deploy" / "jupyterhub" / "accounts.py"),
                             str(tmp_path / "nope.txt")], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
