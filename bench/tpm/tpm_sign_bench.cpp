// Signatures per second with one swtpm key, two ways, in one run:
//   keystore — keystore::sign_message: host SHA-256 + TpmKey::sign_digest (one TPM2_Sign on the
//              key the Key object keeps loaded), exactly what the JWS signer calls;
//   bare     — a bare Esys_Sign loop over a precomputed digest, on the same key file loaded by a
//              connection of its own (the floor).
// Target: keystore ≥ 0.9 × bare. swtpm serves one command at a time and holds three transient
// objects, so each benchmark loads only its own key: the keystore's copy and the bare copy.
#include <benchmark/benchmark.h>
#include <tss2/tss2_esys.h>

#include <filesystem>
#include <memory>

#include "keystore/key.h"
#include "keystore/key_uri.h"
#include "tests/tpm/swtpm_fixture.h"
#include "tpm/key_file.h"
#include "tpm/tpm_keystore.h"

namespace {

using hwacme::Bytes;
using hwacme::keystore::HashAlg;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;

// One swtpm and one key file per type for the whole run.
struct Env {
    hwacme::test::SwtpmFixture swtpm;
    std::filesystem::path dir = swtpm.state_dir() / "keys";
    hwacme::keystore::KeystoreOptions options;

    Env() {
        std::filesystem::create_directory(dir);
        options.tcti = swtpm.tcti();
        auto store = hwacme::tpm::open_keystore(KeyUri::parse("tpm2:"), options);
        for (KeyType type : {KeyType::EcP256, KeyType::Rsa2048}) store->generate(uri(type), type);
    }
    std::string path(KeyType type) const {
        return (dir / (std::string(to_string(type)) + ".tss2.pem")).string();
    }
    KeyUri uri(KeyType type) const { return KeyUri::parse("tpm2:path=" + path(type)); }
};

Env& env() {
    static Env e;
    return e;
}

const Bytes kMessage(200, 'm');  // about the size of an ACME JWS signing input

void keystore_sign(benchmark::State& state, KeyType type) {
    auto store = hwacme::tpm::open_keystore(env().uri(type), env().options);
    auto key = store->open(env().uri(type));
    for (auto _ : state) benchmark::DoNotOptimize(hwacme::keystore::sign_message(*key, kMessage));
    state.SetItemsProcessed(state.iterations());
}

void bare_esys_sign(benchmark::State& state, KeyType type) {
    using namespace hwacme::tpm;
    TpmConnection tpm(env().swtpm.tcti());
    Tss2KeyFile file = read_key_file(env().path(type));
    TrHandle key = [&] {
        StorageParent parent = StorageParent::open(tpm, file.parent);
        return load_key_file(tpm, parent, file, env().path(type));
    }();
    Bytes digest = hwacme::keystore::digest(HashAlg::Sha256, kMessage);
    TPM2B_DIGEST in{};
    in.size = static_cast<UINT16>(digest.size());
    std::copy(digest.begin(), digest.end(), in.buffer);
    TPMT_SIG_SCHEME scheme{};
    scheme.scheme = type == KeyType::EcP256 ? TPM2_ALG_ECDSA : TPM2_ALG_RSASSA;
    scheme.details.any.hashAlg = TPM2_ALG_SHA256;
    TPMT_TK_HASHCHECK validation{};
    validation.tag = TPM2_ST_HASHCHECK;
    validation.hierarchy = TPM2_RH_NULL;
    for (auto _ : state) {
        TPMT_SIGNATURE* raw = nullptr;
        TSS2_RC rc = Esys_Sign(tpm.get(), key.get(), ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                               &in, &scheme, &validation, &raw);
        EsysPtr<TPMT_SIGNATURE> signature(raw);
        if (rc != TSS2_RC_SUCCESS) {
            state.SkipWithError("Esys_Sign failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(keystore_sign, ec_p256, KeyType::EcP256)->UseRealTime();
BENCHMARK_CAPTURE(bare_esys_sign, ec_p256, KeyType::EcP256)->UseRealTime();
BENCHMARK_CAPTURE(keystore_sign, rsa2048, KeyType::Rsa2048)->UseRealTime();
BENCHMARK_CAPTURE(bare_esys_sign, rsa2048, KeyType::Rsa2048)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
