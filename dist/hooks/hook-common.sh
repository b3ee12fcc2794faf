# shellcheck shell=bash
# Sourced by the example deploy hooks beside it (nginx-reload, apache-reload, haproxy-reload);
# not a hook itself. What they share: hwacme's environment, the kind of key behind the key URI,
# replacing files atomically with a way back, and the server's test-then-reload step.
#
# Settings every hook reads (set them with Environment= in a hwacme.service drop-in):
#   PKCS11_PIN_SOURCE  pin-source the web server reads for pkcs11: keys whose URI names none,
#                      e.g. file:/etc/hwacme/pkcs11-pin. Only the path lands in server configs;
#                      a PIN never does.
#   VERIFY_CONNECT     host:port; after the reload the hook makes a TLS handshake there and
#                      fails unless the server presents the new certificate (HWACME_SERIAL).
#                      A server can load a hardware key and still fail every handshake with it.
#   VERIFY_SERVERNAME  the SNI name for that handshake (default: none)
#   VERIFY_ATTEMPTS    handshakes tried, a second apart, while the server reloads (default 10)

hook_name=${0##*/}

die() {
    printf '%s: %s\n' "$hook_name" "$*" >&2
    exit 1
}

require_hwacme_environment() {
    local name
    for name in HWACME_CERT_NAME HWACME_FULLCHAIN_PATH HWACME_KEY_URI; do
        [[ -n ${!name:-} ]] || die "$name is not set: hwacme runs this program as a deploy hook"
    done
    # The name becomes a file name in the server's folder.
    [[ $HWACME_CERT_NAME =~ ^[A-Za-z0-9._-]+$ && $HWACME_CERT_NAME != .* ]] ||
        die "certificate name '$HWACME_CERT_NAME' is not usable as a file name"
    [[ $HWACME_KEY_URI != *pin-value=* ]] ||
        die "the key URI carries a pin-value; a PIN must never land in a server configuration"
    config_safe HWACME_FULLCHAIN_PATH "$HWACME_FULLCHAIN_PATH"
}

# Server configurations quote values in double quotes; a quote, a backslash, '$' (nginx
# variables, Apache ${defines}) or a line break inside one would change its meaning.
config_safe() {
    [[ $2 != *[\"\\\$$'\n\r']* ]] || die "$1 contains a quote, backslash, \$ or line break: $2"
}

# RFC 3986 §2.1 percent-decoding of a URI value (callers have refused backslashes already).
uri_decode() {
    local text=$1
    [[ $text != *\\* ]] || die "backslash in key URI value: $text"
    printf '%b' "${text//%/\\x}"
}

# Sets key_kind (pkcs11, tpm2-file, tpm2-handle or file) and, for keys kept in files, key_path:
# HWACME_KEY_PATH when hwacme gave one (the release's key.pem), else the file the URI names.
classify_key() {
    local uri=$HWACME_KEY_URI attributes attribute
    key_path=${HWACME_KEY_PATH:-}
    case $uri in
        pkcs11:*) key_kind=pkcs11 ;;
        tpm2:*)
            attributes=${uri#tpm2:}
            attributes=${attributes%%\?*}
            key_kind=
            IFS=';' read -r -a attribute_list <<<"$attributes"
            for attribute in "${attribute_list[@]}"; do
                case $attribute in
                    path=*)
                        key_kind=tpm2-file
                        [[ -n $key_path ]] || key_path=$(uri_decode "${attribute#path=}")
                        ;;
                    handle=*) key_kind=tpm2-handle ;;
                esac
            done
            [[ -n $key_kind ]] || die "tpm2 key URI names neither path= nor handle=: $uri"
            ;;
        file:*)
            key_kind="file"
            if [[ -z $key_path ]]; then
                key_path=${uri#file:}
                [[ $key_path != //* ]] || key_path=${key_path#//}
                key_path=$(uri_decode "$key_path")
            fi
            ;;
        *) die "unknown key URI scheme: $uri" ;;
    esac
    [[ -z $key_path ]] || config_safe "key path" "$key_path"
}

# The key URI as OpenSSL's pkcs11 engine (libp11) takes it: without module-path, which the
# engine refuses (the module comes from PKCS11_MODULE_PATH or the p11-kit proxy instead), with
# PKCS11_PIN_SOURCE added when the URI names no pin-source, and '$' encoded so that no server
# reads it as a variable. Sets engine_uri and engine_module ("" for the p11-kit proxy).
pkcs11_engine_uri() {
    local uri=$HWACME_KEY_URI path query part kept=() has_pin_source=no
    path=${uri%%\?*}
    query=
    [[ $uri != *\?* ]] || query=${uri#*\?}
    engine_module=
    if [[ -n $query ]]; then
        IFS='&' read -r -a query_parts <<<"$query"
        for part in "${query_parts[@]}"; do
            case $part in
                module-path=*) engine_module=$(uri_decode "${part#module-path=}") ;;
                pin-source=*)
                    has_pin_source=yes
                    kept+=("$part")
                    ;;
                *) kept+=("$part") ;;
            esac
        done
    fi
    if [[ $has_pin_source == no && -n ${PKCS11_PIN_SOURCE:-} ]]; then
        [[ $PKCS11_PIN_SOURCE =~ ^file:/[A-Za-z0-9/._-]+$ ]] ||
            die "PKCS11_PIN_SOURCE must be file:/absolute/path (letters, digits, / . _ -)"
        kept+=("pin-source=$PKCS11_PIN_SOURCE")
        has_pin_source=yes
    fi
    [[ $has_pin_source == yes ]] ||
        printf '%s: warning: %s has no pin-source and PKCS11_PIN_SOURCE is unset; the web server cannot log in to the token unattended\n' \
            "$hook_name" "$uri" >&2
    engine_uri=$path
    if ((${#kept[@]})); then
        local IFS='&'
        engine_uri+="?${kept[*]}"
    fi
    engine_uri=${engine_uri//\$/%24}
    config_safe "key URI" "$engine_uri"
}

# Files replaced so far, with the copy of what was there before ("" when nothing was).
replaced_files=()
previous_copies=()

# Puts stdin at $1 (mode 0644) through a temporary file in the same folder and one rename, so
# the server never reads half a file, and keeps the previous version for restore_previous.
replace_file() {
    local final=$1 dir temporary previous=
    dir=$(dirname -- "$final")
    mkdir -p -- "$dir"
    temporary=$(mktemp -- "$dir/.${final##*/}.XXXXXX")
    if ! { cat >"$temporary" && chmod 0644 -- "$temporary"; }; then
        rm -f -- "$temporary"
        die "cannot write $final"
    fi
    if [[ -e $final || -L $final ]]; then
        previous=$(mktemp -- "$dir/.${final##*/}.previous.XXXXXX")
        cp -P --preserve=mode -- "$final" "$previous"
    fi
    mv -f -T -- "$temporary" "$final"
    replaced_files+=("$final")
    previous_copies+=("$previous")
}

# Makes $1 a symbolic link to $2, atomically, keeping the previous version like replace_file.
replace_symlink() {
    local final=$1 target=$2 dir temporary previous=
    dir=$(dirname -- "$final")
    mkdir -p -- "$dir"
    temporary=$(mktemp -u -- "$dir/.${final##*/}.XXXXXX")
    ln -s -- "$target" "$temporary"
    if [[ -e $final || -L $final ]]; then
        previous=$(mktemp -u -- "$dir/.${final##*/}.previous.XXXXXX")
        cp -P --preserve=mode -- "$final" "$previous"
    fi
    mv -f -T -- "$temporary" "$final"
    replaced_files+=("$final")
    previous_copies+=("$previous")
}

restore_previous() {
    local i
    for i in "${!replaced_files[@]}"; do
        if [[ -n ${previous_copies[i]} ]]; then
            mv -f -T -- "${previous_copies[i]}" "${replaced_files[i]}"
        else
            rm -f -- "${replaced_files[i]}"
        fi
    done
}

forget_previous() {
    local copy
    for copy in "${previous_copies[@]}"; do
        [[ -z $copy ]] || rm -f -- "$copy"
    done
}

# Runs the server's configuration test ($2, a command line split on blanks) and, when it
# passes, its reload ($3). A configuration the server rejects gets the previous files back and
# no reload: the server keeps serving the certificate it has, and hwacme reports the failed hook
# and runs it again on its next run.
test_then_reload() {
    local server=$1 test_command reload_command
    read -r -a test_command <<<"$2"
    read -r -a reload_command <<<"$3"
    if ! "${test_command[@]}"; then
        restore_previous
        die "$server rejects the configuration with the new files (${replaced_files[*]}); the previous ones are back, $server was not reloaded"
    fi
    if ! "${reload_command[@]}"; then
        # The server still runs what it loaded before; the files on disk should say the same.
        restore_previous
        die "'$3' failed; the previous files (${replaced_files[*]}) are back"
    fi
    forget_previous
    [[ -z ${VERIFY_CONNECT:-} ]] || verify_served_serial "$server"
}

# A handshake with the reloaded server (VERIFY_CONNECT): it must present HWACME_SERIAL, which
# proves it signed the handshake with the new key. Servers reload asynchronously, so it retries
# for a while before it reports the serial it got.
verify_served_serial() {
    local server=$1 served= attempts=${VERIFY_ATTEMPTS:-10} attempt sni=()
    [[ -n ${HWACME_SERIAL:-} ]] || die "HWACME_SERIAL is not set: cannot check what $server serves"
    [[ $attempts =~ ^[1-9][0-9]*$ ]] || die "VERIFY_ATTEMPTS must be a positive number"
    [[ -z ${VERIFY_SERVERNAME:-} ]] || sni=(-servername "$VERIFY_SERVERNAME")
    for ((attempt = 1; attempt <= attempts; ++attempt)); do
        served=$(openssl s_client -connect "$VERIFY_CONNECT" "${sni[@]}" </dev/null 2>/dev/null |
            openssl x509 -noout -serial 2>/dev/null) || served=
        served=${served#serial=}
        [[ $(serial_number "$served") != "$(serial_number "$HWACME_SERIAL")" ]] || return 0
        ((attempt == attempts)) || sleep 1
    done
    die "$server at $VERIFY_CONNECT presents serial ${served:-none (no handshake)}, not $HWACME_SERIAL: it does not serve the new certificate and key"
}

# A hex serial without leading zeros, lower case: OpenSSL pads serials to whole bytes.
serial_number() {
    local hex=${1,,}
    while [[ $hex == 0?* ]]; do hex=${hex#0}; done
    printf '%s' "$hex"
}
