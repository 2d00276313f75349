#!/usr/bin/env bash
# One idempotent set-up for `make run` and `make test`: system packages (when root),
# a virtual environment, and the pinned Python stack. A second run skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

missing=()
while read -r pkg; do
  [ -z "$pkg" ] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < scripts/apt-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these system packages (not root, skipping): ${missing[*]}" >&2
  fi
fi

stamp="$VENV/.setup-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then
  exit 0
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --disable-pip-version-check -q -c constraints.txt)
echo "setup: installing Python packages into $VENV (first run takes several minutes)"
"${PIP[@]}" --upgrade pip wheel
"${PIP[@]}" torch==2.14.1 torchvision==0.29.1
"${PIP[@]}" -e '.[test]'
rm -f "$VENV"/.setup-*
touch "$stamp"
