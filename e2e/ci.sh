#!/usr/bin/env bash
# The one entry point for .ci/run: fixture self-check of the harness, then the suite on dist/,
# each on its own fresh local control plane (binaries built into the cache only when missing).
set -euo pipefail
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
bash "$E2E_DIR/build.sh"
E2E_MANIFESTS="$E2E_DIR/fixtures/manifests" bash "$E2E_DIR/run.sh"
E2E_MANIFESTS="${E2E_MANIFESTS:-$E2E_DIR/../dist}" bash "$E2E_DIR/run.sh"
