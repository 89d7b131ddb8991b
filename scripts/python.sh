#!/usr/bin/env bash
# Prints the Python that `make site` and `make test` install into and run.
#
# That is $PYTHON (default python3) itself, unless it refuses `pip install` outside a virtual
# environment (PEP 668: the system Python of Debian 12+, Ubuntu 23.04+): then the virtual
# environment .venv in this checkout, made here the first time (with Debian's python3-venv
# package, installed if missing). EDITION_VENV=1 uses .venv whatever Python it is.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ -x .venv/bin/python ]; then
  echo "$PWD/.venv/bin/python"
  exit 0
fi

# A Python inside a virtual environment, or without the EXTERNALLY-MANAGED marker, installs as it is.
if [ "${EDITION_VENV:-0}" != 1 ] && "$PYTHON" -c '
import os, sys, sysconfig
in_venv = sys.prefix != sys.base_prefix
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if in_venv or not managed else 1)'; then
  command -v "$PYTHON"
  exit 0
fi

echo "$PYTHON refuses pip install outside a virtual environment (PEP 668): using .venv" >&2
if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
  # Debian and Ubuntu ship venv's pip bootstrap apart, in python3-venv.
  rm -rf .venv
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  echo "installing python3-venv (apt-get)" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >&2
  "$PYTHON" -m venv .venv >&2
fi
echo "$PWD/.venv/bin/python"
