// Signatures per second on each PKCS#11 module of the conformance matrix — SoftHSM2, SoftHSM2
// through the p11-kit proxy, tpm2-pkcs11 behind tpm2-abrmd over swtpm — two ways, in one run:
//   keystore — keystore::sign_message: host SHA-256 + C_Sign on the keystore's session, exactly
//              what the JWS signer calls;
//   c_sign   — a bare C_SignInit + C_Sign loop over a precomputed digest (the floor).
// Each module gets its own throwaway token; EC P-256 keys.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

#include "bench/pkcs11/bare_signers.h"
#include "keystore/key.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/modules/module_token.h"

namespace {

using hwacme::Bytes;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using Kind = hwacme::test::ModuleToken::Kind;

// One token per module, made on first use and kept for the run. Destroyed in this order: the
// bare session, the key and keystore (their module reference), then the token.
struct ModuleBench {
    std::unique_ptr<hwacme::test::ModuleToken> token;
    std::unique_ptr<hwacme::keystore::Keystore> store;
    std::unique_ptr<hwacme::keystore::Key> key;
    std::optional<hwacme::bench::BareCSign> bare;

    explicit ModuleBench(Kind kind) : token(hwacme::test::ModuleToken::make(kind)) {
        // The module is loaded in this process and reads its settings from the environment.
        for (const auto& entry : token->env()) {
            auto name = entry.substr(0, entry.find('='));
            ::setenv(name.c_str(), entry.substr(name.size() + 1).c_str(), 1);
        }
        store = hwacme::pkcs11::open_keystore(KeyUri::parse(token->token_uri()), {});
        key = store->generate(KeyUri::parse(token->uri_for("bench-ec")), KeyType::EcP256);
        bare.emplace(token->module_path(), token->token_label(), "bench-ec", true, token->pin());
    }
    ~ModuleBench() {
        bare.reset();
        key.reset();
        store.reset();
    }
};

ModuleBench& bench_for(Kind kind) {
    static std::map<Kind, std::unique_ptr<ModuleBench>> benches;
    auto& bench = benches[kind];
    if (!bench) bench = std::make_unique<ModuleBench>(kind);
    return *bench;
}

const Bytes kMessage(200, 'm');  // about the size of an ACME JWS signing input

void keystore_sign(benchmark::State& state, Kind kind) {
    auto& key = *bench_for(kind).key;
    for (auto _ : state) benchmark::DoNotOptimize(hwacme::keystore::sign_message(key, kMessage));
    state.SetItemsProcessed(state.iterations());
}

void bare_c_sign(benchmark::State& state, Kind kind) {
    const Bytes digest = hwacme::keystore::digest(hwacme::keystore::HashAlg::Sha256, kMessage);
    auto& signer = *bench_for(kind).bare;
    for (auto _ : state) benchmark::DoNotOptimize(signer.sign(digest));
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(keystore_sign, softhsm, Kind::SoftHsm);
BENCHMARK_CAPTURE(bare_c_sign, softhsm, Kind::SoftHsm);
BENCHMARK_CAPTURE(keystore_sign, softhsm_via_p11kit, Kind::SoftHsmThroughProxy);
BENCHMARK_CAPTURE(bare_c_sign, softhsm_via_p11kit, Kind::SoftHsmThroughProxy);
BENCHMARK_CAPTURE(keystore_sign, tpm2_pkcs11, Kind::Tpm2Pkcs11);
BENCHMARK_CAPTURE(bare_c_sign, tpm2_pkcs11, Kind::Tpm2Pkcs11);

}  // namespace

BENCHMARK_MAIN();
