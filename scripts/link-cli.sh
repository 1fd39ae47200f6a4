#!/usr/bin/env bash
# Puts the `blocksmith` command on PATH: a symbolic link to this checkout's scripts/blocksmith.mjs
# in the first writable folder of: $BLOCKSMITH_BIN_DIR, npm's global bin (where `npm link` would
# put it), ~/.local/bin. scripts/setup.sh runs it (BLOCKSMITH_LINK=0 skips it); safe to run again.
# Says where the link is, and what to add to PATH when that folder is not on it.
#
#   bash scripts/link-cli.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/scripts/blocksmith.mjs"
say() { printf 'setup: %s\n' "$*"; }

candidates=()
[ -n "${BLOCKSMITH_BIN_DIR:-}" ] && candidates+=("$BLOCKSMITH_BIN_DIR")
if [ -z "${BLOCKSMITH_BIN_DIR:-}" ]; then
  npm_bin="$(npm prefix -g 2>/dev/null)/bin" && candidates+=("$npm_bin")
  candidates+=("$HOME/.local/bin")
fi

for dir in "${candidates[@]}"; do
  mkdir -p "$dir" 2>/dev/null || continue
  [ -w "$dir" ] || continue
  link="$dir/blocksmith"
  if [ -e "$link" ] && [ ! -L "$link" ]; then
    say "$link exists and is not a link; leaving it alone"
    continue
  fi
  chmod +x "$target"
  ln -sfn "$target" "$link"
  say "linked the blocksmith command: $link -> $target"
  case ":$PATH:" in
    *":$dir:"*) say "run it from any folder: blocksmith help" ;;
    *) say "$dir is not on your PATH; add it (export PATH=\"$dir:\$PATH\") or call: node $target help" ;;
  esac
  exit 0
done
say "found no writable folder for the blocksmith command; call it as: node $target help"
