#!/usr/bin/env bash
# Install everything from the lock file into .venv, then run the checks and the whole test suite.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); see README "Tests".
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
bash scripts/ensure-system-packages.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/pytest -n 2 -q -p no:cacheprovider "$@"
