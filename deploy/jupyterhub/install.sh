#!/usr/bin/env bash
# Everything the course's JupyterHub needs, on a fresh Debian machine, as root:
#   sudo bash deploy/jupyterhub/install.sh        (or: sudo make hub-install)
# Debian's packages (Python, make, Node.js and npm, bubblewrap for the grader's sandbox), the
# course's .venv with JupyterHub (pip, the pins of pyproject.toml), configurable-http-proxy (npm,
# package-lock.json), nbgrader's exchange and the hub's state folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then echo "run as root: sudo bash $0" >&2; exit 2; fi
need=()
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v make >/dev/null || need+=(make)
command -v npm >/dev/null || need+=(nodejs npm)
command -v bwrap >/dev/null || need+=(bubblewrap)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
make .venv/.installed deploy/jupyterhub/node_modules/.bin/configurable-http-proxy
EXCHANGE="${DLCOURSE_EXCHANGE:-/srv/nbgrader/exchange}"
STATE="${DLCOURSE_HUB_STATE:-/srv/jupyterhub}"
mkdir -p "$EXCHANGE" "$STATE"
chmod ugo+rwx "$EXCHANGE"   # nbgrader's exchange: every account writes there (nbgrader's own modes inside)
chmod 700 "$STATE"          # the hub's database and cookie secret
echo "ready: sudo DLCOURSE_HUB_ROSTER=$PWD/roster.txt DLCOURSE_HUB_INSTRUCTORS=you make hub"
