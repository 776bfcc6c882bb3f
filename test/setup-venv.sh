#!/usr/bin/env bash
# Creates a Python venv with the tools named in a requirements file:
#
#   bash test/setup-venv.sh test/moto/requirements.txt .venv
#   bash test/setup-venv.sh test/local-cloud/requirements.txt .venv-local-cloud
#
# (paths relative to the repository root). Two venvs, because MiniStack pins a
# botocore that moto's pins disagree with. Idempotent: the sha256 of the
# requirements file is kept in <venv>/.requirements.sha256 and pip only runs
# when it changed, so a second run is a fast no-op. Safe to run from a clean
# clone (CI).
#
# Environment:
#   PYTHON   interpreter used to create the venv (default: python3)
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: bash test/setup-venv.sh <requirements.txt> <venv dir>" >&2
  exit 2
fi
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
# Paths relative to the repository root, or absolute.
abs() { if [[ "$1" == /* ]]; then printf '%s' "$1"; else printf '%s' "${repo_root}/$1"; fi; }
requirements="$(abs "$1")"
venv="$(abs "$2")"
stamp="${venv}/.requirements.sha256"
python="${PYTHON:-python3}"

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    "${python}" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
  fi
}

want="$(sha256_of "${requirements}")"

# A venv whose interpreter no longer runs (e.g. the base Python was removed or
# upgraded) is recreated from scratch.
if [[ -d "${venv}" ]] && ! "${venv}/bin/python" -c '' >/dev/null 2>&1; then
  echo "setup-venv: ${venv} is broken; recreating it" >&2
  rm -rf "${venv}"
fi

if [[ ! -d "${venv}" ]]; then
  if ! command -v "${python}" >/dev/null 2>&1; then
    echo "setup-venv: '${python}' not found; install Python 3 (or set PYTHON=/path/to/python3)" >&2
    exit 1
  fi
  echo "setup-venv: creating ${venv}" >&2
  "${python}" -m venv "${venv}"
fi

if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
  exit 0
fi

echo "setup-venv: installing ${requirements#"${repo_root}/"} into ${venv}" >&2
"${venv}/bin/python" -m pip install --disable-pip-version-check --quiet -r "${requirements}"
# Write the stamp only after a successful install (atomically).
printf '%s\n' "${want}" > "${stamp}.tmp"
mv "${stamp}.tmp" "${stamp}"
echo "setup-venv: done" >&2
