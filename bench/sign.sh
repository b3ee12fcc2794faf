#!/usr/bin/env bash
# Signatures per second through the keystore (the JWS path: host hash + device signature) next
# to a bare device loop on the same key in the same run: SoftHSM (C_Sign, libp11) and swtpm
# (Esys_Sign). Each bench starts its own throwaway token / swtpm.
#
#   bench/sign.sh [extra Google Benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-$PWD/build}
flags=(--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
    --benchmark_report_aggregates_only=true --benchmark_counters_tabular=true "$@")
for bench in bench_pkcs11 bench_tpm; do
    binary=$(find "$build/bench" -name "$bench" -type f -perm -u+x | head -n 1)
    [[ -n $binary ]] || { echo "sign.sh: $bench not built in $build (cmake --build build)" >&2; exit 1; }
    echo "== $bench"
    "$binary" "${flags[@]}" 2>&1 | grep -E "^(Benchmark|-)|_(median|mean) "
done
