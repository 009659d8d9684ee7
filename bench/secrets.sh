#!/usr/bin/env bash
# Secret-scanner throughput on synthetic chart text (release build, 1 thread and rayon pool).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test secrets secrets_throughput -- --ignored --nocapture 2>&1 | grep -E "secrets throughput|error" || true
