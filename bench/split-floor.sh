#!/usr/bin/env bash
# What the key custody split costs a run by itself: a run that ends as soon as it can, its CA
# refusing the connection, timed in one process (HWACME_SINGLE_PROCESS=1) and in two. The
# difference is the second process's fixed cost (the fork, the sandbox, copy-on-write faults, a
# second exit), a floor under what any issuance pays for the split. Rounds alternate the two
# ways; per run CPU (user+sys of every process) and wall are the medians of the rounds.
#
#   bench/split-floor.sh [RUNS_PER_ROUND] [ROUNDS]   (defaults: 20 5)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-20}
rounds=${2:-5}
hwacme=${HWACME:-$PWD/build/hwacme}
[[ -x $hwacme ]] || { echo "split-floor.sh: build hwacme first ($hwacme)" >&2; exit 1; }

work=$(mktemp -d /tmp/hwacme-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

refused_port() {
    local port
    for port in $(shuf -i 40000-59999 -n 50); do
        (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null || { echo "$port"; return; }
    done
    echo "split-floor.sh: no refused port" >&2
    exit 1
}

export HWACME_STATE_DIR=$work/state HWACME_SERVER=https://127.0.0.1:$(refused_port)/dir
"$hwacme" key generate "file:$work/account.pem" --type ec-p256 >/dev/null
"$hwacme" key generate "file:$work/cert.pem" --type ec-p256 >/dev/null
run=("$hwacme" issue -d floor.example.com --key "file:$work/cert.pem"
    --account-key "file:$work/account.pem" --out "$work/out")
"${run[@]}" 2>"$work/error" && { echo "split-floor.sh: the run reached a CA" >&2; exit 1; }
grep -q "connection refused" "$work/error" ||
    { echo "split-floor.sh: the run failed otherwise: $(cat "$work/error")" >&2; exit 1; }

# Bash's `time` reports the user and system time of every process the loop started, in ms.
round() {
    local single=$1 TIMEFORMAT='%3R %3U %3S'
    { time (for ((i = 0; i < runs; i++)); do
        HWACME_SINGLE_PROCESS=$single "${run[@]}" >/dev/null 2>&1 || true
    done); } 2>&1
}

for ((r = 0; r < rounds; r++)); do
    for single in 1 0; do
        echo "$single $(round "$single")"
    done
done | awk -v runs="$runs" '
    { n[$1]++; wall[$1, n[$1]] = $2 * 1000 / runs; cpu[$1, n[$1]] = ($3 + $4) * 1000 / runs }
    function median(a, way, count,    i, j, t, v) {
        for (i = 1; i <= count; i++) v[i] = a[way, i]
        for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
        return (count % 2) ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
    }
    END {
        c1 = median(cpu, 1, n[1]); c2 = median(cpu, 0, n[0])
        w1 = median(wall, 1, n[1]); w2 = median(wall, 0, n[0])
        printf "a run refused at connect, %d rounds of %d runs each way (medians per run)\n", n[1], runs
        printf "one process     CPU %6.2f ms   wall %6.2f ms\n", c1, w1
        printf "two processes   CPU %6.2f ms   wall %6.2f ms\n", c2, w2
        printf "the split       CPU %+6.2f ms   wall %+6.2f ms\n", c2 - c1, w2 - w1
    }'
