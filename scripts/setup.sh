#!/usr/bin/env bash
# Installs what Blocksmith needs on this machine, then its npm dependencies (which also builds the
# native addon). Safe to run again: it installs only what is missing and skips `npm ci` when
# package.json and package-lock.json have not changed since the last successful run. Last, it links
# the `blocksmith` command into a folder on PATH (scripts/link-cli.sh; BLOCKSMITH_LINK=0 skips it).
#
#   bash scripts/setup.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

# --- Node.js (not installed by this script: distributions ship versions that are too old) -------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "Node.js 20 or newer (with npm) is required: https://nodejs.org/en/download"
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  say "Node.js $(node -v) is too old; Blocksmith needs Node.js 20 or newer: https://nodejs.org/en/download"
  exit 1
fi

# --- System packages ----------------------------------------------------------------------------
chromium_path="${BLOCKSMITH_CHROMIUM:-/usr/bin/chromium}"

has_dnnl_header() {
  local dir
  for dir in /usr/include /usr/local/include /opt/homebrew/include ${DNNL_ROOT:+"$DNNL_ROOT/include"}; do
    [ -f "$dir/oneapi/dnnl/dnnl.hpp" ] && return 0
  done
  return 1
}

# Fills missing_what (for people), missing_apt (Debian packages) and missing_brew (Homebrew).
check_system() {
  missing_what=(); missing_apt=(); missing_brew=()
  if ! has_dnnl_header; then
    missing_what+=("oneDNN headers (oneapi/dnnl/dnnl.hpp)"); missing_apt+=(libdnnl-dev); missing_brew+=(onednn)
  fi
  if ! command -v g++ >/dev/null 2>&1; then
    missing_what+=("C++ compiler (g++)"); missing_apt+=(g++)
  fi
  if ! command -v make >/dev/null 2>&1; then
    missing_what+=("make"); missing_apt+=(make)
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    missing_what+=("python3 with numpy"); missing_apt+=(python3 python3-numpy); missing_brew+=(python numpy)
  elif ! python3 -c 'import numpy' >/dev/null 2>&1; then
    # python3 may be a pyenv/venv interpreter that has numpy already; only ask for it when missing.
    missing_what+=("numpy for python3 (the tests' oracle)"); missing_apt+=(python3-numpy); missing_brew+=(numpy)
  fi
  # The tests' oracles for layers and exports: Debian's PyTorch, torchvision and onnx, always the
  # system interpreter's (/usr/bin/python3), with the threaded OpenBLAS (the reference BLAS is ~12x slower).
  if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1; then
    if ! /usr/bin/python3 -c 'import torch, torchvision, onnx' >/dev/null 2>&1; then
      missing_what+=("PyTorch, torchvision and onnx for /usr/bin/python3 (the layers' oracle)")
      missing_apt+=(python3-torch python3-torchvision python3-onnx libopenblas0-pthread)
    elif ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1 && [ "$(uname -m)" = x86_64 ]; then
      missing_what+=("threaded OpenBLAS for PyTorch"); missing_apt+=(libopenblas0-pthread)
    fi
  fi
  if [ "$(uname -s)" = Linux ] && [ ! -x "$chromium_path" ]; then
    missing_what+=("Chromium at $chromium_path (browser tests)"); missing_apt+=(chromium)
  fi
}

check_system
if [ "${#missing_what[@]}" -gt 0 ]; then
  say "missing: ${missing_what[*]}"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    say "installing with apt-get: ${missing_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing_apt[@]}"
    check_system
    if [[ "${missing_apt[*]}" == python3-numpy ]] && /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; then
      # The python3 on PATH (pyenv, a venv) is not the system one that apt just gave numpy.
      say "warning: $(command -v python3) has no numpy; /usr/bin/python3 has it now."
      say "         Install numpy for $(command -v python3), or put /usr/bin first in PATH."
      missing_what=()
    fi
    if [ "${#missing_what[@]}" -gt 0 ]; then
      say "still missing after apt-get install: ${missing_what[*]}"
      exit 1
    fi
  else
    if command -v apt-get >/dev/null 2>&1; then
      say "install them with:"
      say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing_apt[*]}"
    elif [ "$(uname -s)" = Darwin ]; then
      say "install them with:"
      [ "${#missing_brew[@]}" -gt 0 ] && say "  brew install ${missing_brew[*]}"
      say "  (Xcode command line tools give the compiler: xcode-select --install)"
      say "  browser tests also need Chromium: brew install --cask chromium, then"
      say "  export BLOCKSMITH_CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium"
    else
      say "install the equivalents of these Debian packages: ${missing_apt[*]}"
    fi
    say "then run this script again."
    exit 1
  fi
fi

# --- npm dependencies (also builds the native addon through package.json's "install" script) ---
stamp=node_modules/.blocksmith-setup
fingerprint="$(cat package.json package-lock.json 2>/dev/null | node -e '
  const h = require("node:crypto").createHash("sha256");
  process.stdin.on("data", (d) => h.update(d)).on("end", () => console.log(h.digest("hex")));')"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
  say "npm dependencies are up to date (delete node_modules to reinstall)"
else
  if [ -f package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund
  else
    say "npm install"
    npm install --no-audit --no-fund
  fi
  # package-lock.json may have been written by npm install: fingerprint what is there now.
  cat package.json package-lock.json 2>/dev/null | node -e '
    const h = require("node:crypto").createHash("sha256");
    process.stdin.on("data", (d) => h.update(d)).on("end", () => console.log(h.digest("hex")));' >"$stamp"
fi
# --- the `blocksmith` command, from any folder --------------------------------------------------
if [ "${BLOCKSMITH_LINK:-1}" != 0 ]; then
  bash scripts/link-cli.sh || say "could not link the blocksmith command; call it as: node $(pwd)/scripts/blocksmith.mjs help"
fi
say "done"
