#!/usr/bin/env bash
# Signatures per second through the keystore (the JWS path: host hash + device signature) next
# to a bare device loop on the same key in the same run: SoftHSM (C_Sign, libp11) and swtpm
# (Esys_Sign), and each PKCS#11 module of the conformance matrix (SoftHSM2 direct and through
# p11-kit, tpm2-pkcs11 behind tpm2-abrmd), and account requests signed through the key custody
# wire (bench/custody). Each bench starts its own throwaway token / swtpm.
#
#   bench/sign.sh [extra Google Benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-$PWD/build}
flags=(--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
    --benchmark_report_aggregates_only=true --benchmark_counters_tabular=true "$@")
# bench_modules runs once per module: SoftHSM reads its configuration once per process, so the
# direct and the proxied token each need a process of their own.
runs=(bench_pkcs11: bench_modules:softhsm$ bench_modules:softhsm_via_p11kit bench_modules:tpm2_pkcs11
    bench_tpm: bench_custody:)
for run in "${runs[@]}"; do
    bench=${run%%:*} filter=${run#*:}
    binary=$(find "$build/bench" -name "$bench" -type f -perm -u+x | head -n 1)
    [[ -n $binary ]] || { echo "sign.sh: $bench not built in $build (cmake --build build)" >&2; exit 1; }
    echo "== $bench${filter:+ ($filter)}"
    "$binary" "${flags[@]}" ${filter:+--benchmark_filter="$filter"} 2>&1 |
        grep -E "^(Benchmark|-)|_(median|mean) "
done
