// Account-request signatures per second on one SoftHSM key, three ways, in one run:
//   in_process      — KeySigner::sign_request: the JWS as hwacme makes it today;
//   through_custody — RemoteSigner::sign_request: the same request sent over a custody Link to a
//                     CustodyServer, which checks the policy, builds the JWS and answers;
//   c_sign          — a bare C_SignInit + C_Sign loop over a precomputed digest (the floor);
//   round_trip      — the wire alone: a public key request custody answers without the device
//                     (from the encoding it keeps after the first).
// Target (key custody design): through_custody ≥ 0.9 × c_sign. The server runs in a thread of
// this process: the round trip shares the same pages and wakes the same way as one to a process
// of its own. Run it as bench/sign.sh does, repeated and interleaved.
#include <benchmark/benchmark.h>

#include <future>
#include <memory>
#include <optional>

#include "agent/custody/custody_client.h"
#include "agent/custody/custody_server.h"
#include "agent/custody/local_keys.h"
#include "bench/pkcs11/bare_signers.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/pkcs11/softhsm_fixture.h"

namespace {

using namespace hwacme;

const std::string kCa = "https://ca.example:14000";
const std::string kPayload(150, 'p');  // about a newOrder payload
constexpr std::chrono::seconds kLimit{30};

/// One token and key for the whole run, custody serving it from a thread, and the bare loop.
struct Env {
    test::SoftHsmToken token{"bench-custody"};
    std::unique_ptr<keystore::Keystore> store;
    std::unique_ptr<keystore::Key> key;
    std::unique_ptr<signing::KeySigner> signer;
    std::optional<custody::SigningPolicy> policy;
    std::optional<custody::LocalKeys> held;
    std::optional<custody::CustodyServer> server;
    custody::Link::Pair link = custody::Link::make_pair();
    std::future<custody::ServeEnd> served;
    std::optional<custody::CustodyClient> client;
    std::optional<bench::BareCSign> c_sign;

    Env() {
        store = pkcs11::open_keystore(keystore::KeyUri::parse(token.token_uri()), {});
        key = store->generate(keystore::KeyUri::parse(token.uri_for("account")),
                              keystore::KeyType::EcP256);
        signer = std::make_unique<signing::KeySigner>(*key);
        policy.emplace(custody::PolicyTerms{.directory_url = kCa + "/dir"});
        keystore::Registry registry;
        registry.add("pkcs11", pkcs11::open_keystore);
        held.emplace(std::move(registry),
                     custody::KeyPlan{.account = custody::KeySpec{keystore::KeyUri::parse(
                                          token.uri_for("account"))}},
                     keystore::KeystoreOptions{});
        server.emplace(*policy, *held, custody::CustodyDuties{});
        served =
            std::async(std::launch::async, [this] { return server->serve(link.custody, kLimit); });
        client.emplace(link.network, kLimit);
        c_sign.emplace(test::SoftHsmToken::module_path(), token.token_label(), "account", true);
    }
    ~Env() {
        client->goodbye();
        served.wait();
        c_sign.reset();
        server.reset();
        held.reset();
        signer.reset();
        key.reset();
        store.reset();
    }
};

Env& env() {
    static Env e;
    return e;
}

void sign_with(benchmark::State& state, const signing::RequestSigner& signer) {
    for (auto _ : state)
        benchmark::DoNotOptimize(
            signer.sign_request(kPayload, kCa + "/new-order", "bm9uY2U", kCa + "/acct/1"));
    state.SetItemsProcessed(state.iterations());
}

void in_process(benchmark::State& state) {
    sign_with(state, *env().signer);
}

void through_custody(benchmark::State& state) {
    const custody::RemoteSigner remote(*env().client, custody::KeyRole::Account);
    sign_with(state, remote);
}

/// The wire alone: a public key request, which custody answers without the device.
void round_trip(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(
            env().client->ask(custody::PublicKeyRequest{custody::KeyRole::Account}));
    state.SetItemsProcessed(state.iterations());
}

void c_sign(benchmark::State& state) {
    const Bytes digest(32, 0x5a);
    for (auto _ : state) benchmark::DoNotOptimize(env().c_sign->sign(digest));
    state.SetItemsProcessed(state.iterations());
}

// Wall time: custody's work happens on another thread, which CPU time of this one leaves out.
BENCHMARK(in_process)->UseRealTime();
BENCHMARK(through_custody)->UseRealTime();
BENCHMARK(c_sign)->UseRealTime();
BENCHMARK(round_trip)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
