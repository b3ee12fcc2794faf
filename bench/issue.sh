#!/usr/bin/env bash
# Issues N certificates one after another from a local Pebble (no validation sleep, no nonce
# rejection) and prints per certificate: median wall seconds, CPU seconds (user+sys), peak RSS,
# ACME requests and TLS connections. The account is registered first and not counted; one
# certificate key is made first and reused, as a renewal does.
#
#   bench/issue.sh [N] [file|pkcs11|tpm] [http-01|dns-01|tls-alpn-01]   (defaults: 20 file http-01)
#
# HWACME_BENCH_ONE_RUN=1 issues the N certificates in one `hwacme renew --force` over a
# configuration that manages them (http-01 only): the unattended path, where one run's start,
# and its key custody process, serve every certificate. Per certificate is then the run's
# total over N.
#
# dns-01 publishes through tests/cli/challtestsrv-dns-hook into Pebble's challtestsrv DNS.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-20}
backend=${2:-file}
challenge=${3:-http-01}
hwacme=${HWACME:-$PWD/build/hwacme}
[[ -x $hwacme ]] || { echo "issue.sh: build hwacme first ($hwacme)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "issue.sh: /usr/bin/time missing: apt-get install time" >&2; exit 1; }

work=$(mktemp -d /tmp/hwacme-bench.XXXXXX)
cleanup() {
    scripts/local-pebble stop "$work/ca" >/dev/null 2>&1 || true
    [[ -n ${swtpm_pid:-} ]] && kill "$swtpm_pid" 2>/dev/null && wait "$swtpm_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

PEBBLE_WFE_NONCEREJECT=0 PEBBLE_VA_NOSLEEP=1 scripts/local-pebble start "$work/ca" >/dev/null
# shellcheck source=/dev/null
source "$work/ca/env"
export HWACME_SERVER=$PEBBLE_DIRECTORY HWACME_CA_BUNDLE=$PEBBLE_TLS_CA HWACME_STATE_DIR=$work/state

# Two ports nothing listens on and Pebble was not told to use: its challenge ports are free
# until hwacme listens on them.
free_port_pair() {
    local port taken=" $PEBBLE_HTTP_PORT $PEBBLE_TLS_PORT "
    for port in $(shuf -i 40000-59998 -n 50); do
        [[ $taken == *" $port "* || $taken == *" $((port + 1)) "* ]] && continue
        if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null &&
            ! (exec 3<>/dev/tcp/127.0.0.1/$((port + 1))) 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "issue.sh: no free port pair" >&2
    exit 1
}

case $backend in
file)
    account_key="file:$work/account.pem"
    certificate_key="file:$work/cert-key.pem"
    ;;
pkcs11)
    eval "$(softhsm-fixtures/make-token "$work/token" bench)"
    export SOFTHSM2_CONF
    options="module-path=$HWACME_SOFTHSM_MODULE&pin-source=file:$HWACME_PIN_FILE"
    account_key="pkcs11:token=bench;object=account?$options"
    certificate_key="pkcs11:token=bench;object=web?$options"
    ;;
tpm)
    command -v swtpm >/dev/null || { echo "issue.sh: swtpm missing: apt-get install swtpm" >&2; exit 1; }
    mkdir -p "$work/tpm"
    # Another program may take the pair between the check and swtpm's bind: try another pair.
    for attempt in 1 2 3 4 5; do
        port=$(free_port_pair)
        swtpm socket --tpm2 --tpmstate dir="$work/tpm" \
            --server type=tcp,port="$port",bindaddr=127.0.0.1 \
            --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
            --flags not-need-init,startup-clear &
        swtpm_pid=$!
        sleep 0.3
        kill -0 "$swtpm_pid" 2>/dev/null && break
        wait "$swtpm_pid" 2>/dev/null || true
        swtpm_pid=
        [[ $attempt == 5 ]] && { echo "issue.sh: swtpm did not start on 5 port pairs" >&2; exit 1; }
    done
    export HWACME_TCTI="swtpm:host=127.0.0.1,port=$port"
    account_key="tpm2:path=$work/account.tss2.pem"
    certificate_key="tpm2:path=$work/web.tss2.pem"
    ;;
*)
    echo "issue.sh: unknown backend '$backend' (file, pkcs11, tpm)" >&2
    exit 2
    ;;
esac

"$hwacme" account register --account-key "$account_key" --agree-tos >/dev/null 2>&1

case $challenge in
http-01) challenge_args=(--http-address 127.0.0.1 --http-port "$PEBBLE_HTTP_PORT") ;;
tls-alpn-01)
    challenge_args=(--challenge tls-alpn-01 --listen-address 127.0.0.1 --tls-port "$PEBBLE_TLS_PORT")
    ;;
dns-01)
    export CHALLTESTSRV_MANAGEMENT
    challenge_args=(--challenge dns-01 --dns-hook "$PWD/tests/cli/challtestsrv-dns-hook")
    ;;
*)
    echo "issue.sh: unknown challenge '$challenge' (http-01, dns-01, tls-alpn-01)" >&2
    exit 2
    ;;
esac
"$hwacme" key generate "$certificate_key" --type ec-p256 >/dev/null

if [[ ${HWACME_BENCH_ONE_RUN:-0} == 1 ]]; then
    [[ $challenge == http-01 ]] || { echo "issue.sh: one run is measured with http-01 only" >&2; exit 2; }
    {
        echo "{\"ca\": {\"directory\": \"$PEBBLE_DIRECTORY\", \"account_key\": \"$account_key\"},"
        echo ' "certificates": ['
        for i in $(seq 1 "$count"); do
            echo "  {\"name\": \"bench$i\", \"identifiers\": [\"bench$i.example.com\"],"
            echo "   \"key\": \"$certificate_key\", \"key_policy\": \"reuse\","
            echo "   \"challenge\": {\"listen_address\": \"127.0.0.1\", \"http_port\": $PEBBLE_HTTP_PORT},"
            echo "   \"output_dir\": \"$work/live/bench$i\"}$([[ $i == "$count" ]] || echo ,)"
        done
        echo ']}'
    } >"$work/hwacme.json"
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" \
        "$hwacme" -v --config "$work/hwacme.json" renew --force >/dev/null 2>"$work/log" ||
        { tail -n 5 "$work/log" >&2; exit 1; }
    issued=$(find "$work/live" -name cert.pem | wc -l)
    [[ $issued == "$count" ]] || { echo "issue.sh: one run issued $issued of $count" >&2; exit 1; }
    read -r wall user sys rss <"$work/time"
    awk -v n="$count" -v backend="$backend" -v wall="$wall" -v cpu="$(echo "$user + $sys" | bc)" \
        -v rss="$rss" 'BEGIN {
        printf "backend %s, http-01, %d certificates in one renew run, one name each\n", backend, n
        printf "wall             %.3f s/cert\n", wall / n
        printf "CPU (user+sys)   %.4f s/cert\n", cpu / n
        printf "peak RSS         %.1f MiB\n", rss / 1024
    }'
    exit 0
fi

: >"$work/samples"
for i in $(seq 1 "$count"); do
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" \
        "$hwacme" -v issue -d "bench$i.example.com" --key "$certificate_key" \
        "${challenge_args[@]}" --out "$work/out" \
        >/dev/null 2>"$work/log"
    counts=$(sed -n 's/^requests: \([0-9]*\), connections: \([0-9]*\)$/\1 \2/p' "$work/log")
    echo "$(cat "$work/time") $counts" >>"$work/samples"
done

sort -n -k1 "$work/samples" | awk -v n="$count" -v backend="$backend" -v challenge="$challenge" '
    { wall[NR] = $1; cpu += $2 + $3; if ($4 > rss) rss = $4; req += $5; conn += $6 }
    END {
        median = (n % 2) ? wall[(n + 1) / 2] : (wall[n / 2] + wall[n / 2 + 1]) / 2
        printf "backend %s, %s, %d certificates, one name each\n", backend, challenge, n
        printf "median wall      %.3f s/cert\n", median
        printf "CPU (user+sys)   %.4f s/cert\n", cpu / n
        printf "peak RSS         %.1f MiB\n", rss / 1024
        printf "ACME requests    %.1f /cert\n", req / n
        printf "TLS connections  %.1f /cert\n", conn / n
    }'
