#!/usr/bin/env bash
# Installs everything Blocksmith needs (scripts/setup.sh), then opens the editor (npm start).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec npm start
