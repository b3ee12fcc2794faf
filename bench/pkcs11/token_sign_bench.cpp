// Signatures per second on one SoftHSM token, three ways, in one run:
//   keystore  — keystore::sign_message: host SHA-256 + TokenKey::sign_digest (C_Sign on the
//               keystore's session), exactly what the JWS signer calls;
//   c_sign    — a bare C_SignInit + C_Sign loop over a precomputed digest (the floor);
//   libp11    — libp11's EVP_PKEY with EVP_PKEY_sign over the same digest (the alternative).
// Target: keystore ≥ 0.9 × c_sign. On a shared machine run
//   bench_pkcs11 --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true
// so that load drifts hit all three alike.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>

#include "bench/pkcs11/bare_signers.h"
#include "keystore/key.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/pkcs11/softhsm_fixture.h"

namespace {

using hwacme::Bytes;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;

// DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1): the bare RSA loop signs what the
// keystore builds.
const Bytes kSha256Info{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

// One token for the whole run. Destroyed in this order: bare C_Sign sessions, keys and
// keystore (their module reference), then libp11's context, whose unload finalises the module.
struct Env {
    hwacme::test::SoftHsmToken token{"bench"};
    std::unique_ptr<hwacme::keystore::Keystore> store;
    std::unique_ptr<hwacme::keystore::Key> ec, rsa;
    std::optional<hwacme::bench::BareLibp11> libp11_ec, libp11_rsa;
    std::optional<hwacme::bench::BareCSign> c_ec, c_rsa;

    Env() {
        store = hwacme::pkcs11::open_keystore(KeyUri::parse(token.token_uri()), {});
        ec = store->generate(KeyUri::parse(token.uri_for("bench-ec")), KeyType::EcP256);
        rsa = store->generate(KeyUri::parse(token.uri_for("bench-rsa")), KeyType::Rsa2048);
        const auto module = hwacme::test::SoftHsmToken::module_path();
        c_ec.emplace(module, token.token_label(), "bench-ec", true);
        c_rsa.emplace(module, token.token_label(), "bench-rsa", false);
        libp11_ec.emplace(module, token.token_label(), "bench-ec", token.pin());
        libp11_rsa.emplace(module, token.token_label(), "bench-rsa", token.pin());
    }
    ~Env() {
        c_ec.reset();
        c_rsa.reset();
        ec.reset();
        rsa.reset();
        store.reset();
    }
};

Env& env() {
    static Env e;
    return e;
}

const Bytes kMessage(200, 'm');  // about the size of an ACME JWS signing input

Bytes message_digest() {
    return hwacme::keystore::digest(hwacme::keystore::HashAlg::Sha256, kMessage);
}

void keystore_sign(benchmark::State& state, bool ec) {
    auto& key = ec ? *env().ec : *env().rsa;
    for (auto _ : state) benchmark::DoNotOptimize(hwacme::keystore::sign_message(key, kMessage));
    state.SetItemsProcessed(state.iterations());
}

void bare_c_sign(benchmark::State& state, bool ec) {
    Bytes data = message_digest();
    if (!ec) data.insert(data.begin(), kSha256Info.begin(), kSha256Info.end());
    auto& signer = ec ? *env().c_ec : *env().c_rsa;
    for (auto _ : state) benchmark::DoNotOptimize(signer.sign(data));
    state.SetItemsProcessed(state.iterations());
}

void libp11_sign(benchmark::State& state, bool ec) {
    const Bytes digest = message_digest();
    auto& signer = ec ? *env().libp11_ec : *env().libp11_rsa;
    for (auto _ : state) benchmark::DoNotOptimize(signer.sign(digest));
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(keystore_sign, ec_p256, true);
BENCHMARK_CAPTURE(bare_c_sign, ec_p256, true);
BENCHMARK_CAPTURE(libp11_sign, ec_p256, true);
BENCHMARK_CAPTURE(keystore_sign, rsa2048, false);
BENCHMARK_CAPTURE(bare_c_sign, rsa2048, false);
BENCHMARK_CAPTURE(libp11_sign, rsa2048, false);

}  // namespace

BENCHMARK_MAIN();
