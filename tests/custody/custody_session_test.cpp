// Custody and network ends of the wire in one process, joined by a link: what crosses it,
// what custody refuses, and how each side ends when the other goes.
#include <openssl/x509.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <future>

#include "agent/custody/custody_client.h"
#include "agent/custody/custody_server.h"
#include "agent/custody/local_keys.h"
#include "common/base64url.h"
#include "common/error.h"
#include "keystore/file_keystore.h"
#include "tests/jose/memory_key.h"
#include "tests/support/temp_dir.h"

using namespace hwacme;
using namespace hwacme::custody;
namespace json = boost::json;

namespace {

constexpr std::chrono::seconds kLimit{10};
const std::string kCa = "https://ca.example:14000";

/// A file key of the temp folder, made before custody opens it.
struct FileKey {
    FileKey(const test::TempDir& tmp, const std::string& name)
        : uri(keystore::KeyUri::file((tmp / (name + ".pem")).string())),
          key(keystore::open_file_keystore(uri, {})->generate(uri, keystore::KeyType::EcP256)) {}
    keystore::KeyUri uri;
    std::unique_ptr<keystore::Key> key;
};

keystore::Registry file_registry() {
    keystore::Registry registry;
    registry.add("file", keystore::open_file_keystore);
    return registry;
}

/// Custody serving on one end of a link in a thread; the test is the network process.
struct Session {
    Session(std::set<Operation> operations = {},
            std::optional<std::string> revocation_payload = std::nullopt)
        : tmp("hwacme-custody-session"),
          account(tmp, "account"),
          certificate(tmp, "web"),
          new_key(tmp, "new-account"),
          policy({.directory_url = kCa + "/dir",
                  .certificates = {{"web", {"example.com", "www.example.com"}}},
                  .operations = std::move(operations)}),
          keys(file_registry(),
               {.account = KeySpec{account.uri},
                .certificate = KeySpec{certificate.uri},
                .new_account_key = KeySpec{new_key.uri}},
               {}),
          server(policy, keys,
                 {.certificate_name = "web",
                  .eab = acme::ExternalAccountBinding{"kid-1",
                                                      std::make_shared<const Secret>(
                                                          Secret::copy_of(std::string(32, 'B'))),
                                                      "HS256"},
                  .revocation_payload = std::move(revocation_payload)}) {
        ended =
            std::async(std::launch::async, [this] { return server.serve(link.custody, kLimit); });
        client = std::make_unique<CustodyClient>(link.network, kLimit);
    }
    ServeEnd end() { return ended.get(); }

    test::TempDir tmp;
    FileKey account, certificate, new_key;
    SigningPolicy policy;
    LocalKeys keys;
    CustodyServer server;
    Link::Pair link = Link::make_pair();
    std::future<ServeEnd> ended;
    std::unique_ptr<CustodyClient> client;
};

json::object protected_header(const json::object& jws) {
    auto bytes = base64url_decode(jws.at("protected").as_string());
    return json::parse(std::string(bytes.begin(), bytes.end())).as_object();
}

bool verifies(const json::object& jws, EVP_PKEY* key) {
    std::string input = std::string(jws.at("protected").as_string()) + "." +
                        std::string(jws.at("payload").as_string());
    return test::verify_jws_signature(key, keystore::HashAlg::Sha256, input,
                                      base64url_decode(jws.at("signature").as_string()));
}

Errc category_of(const std::function<void()>& action, std::string* message = nullptr) {
    try {
        action();
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.code();
    }
    FAIL("no error");
    return Errc::Io;
}

}  // namespace

TEST_CASE("an account request signed through custody carries custody's header", "[unit]") {
    Session s;
    RemoteSigner account(*s.client, KeyRole::Account);
    auto public_key = account.public_key();
    CHECK(EVP_PKEY_eq(public_key.get(), s.account.key->public_key().get()) == 1);

    auto jws = json::parse(account.sign_request(R"({"identifiers":[]})", kCa + "/new-order",
                                                "bm9uY2U", kCa + "/acct/1"))
                   .as_object();
    auto header = protected_header(jws);
    CHECK(header.at("alg") == "ES256");
    CHECK(header.at("url").as_string() == kCa + "/new-order");
    CHECK(header.at("nonce") == "bm9uY2U");
    CHECK(header.at("kid").as_string() == kCa + "/acct/1");
    CHECK_FALSE(header.contains("jwk"));
    CHECK(verifies(jws, public_key.get()));

    s.client->goodbye();
    CHECK(s.end() == ServeEnd::Goodbye);
}

TEST_CASE("custody signs nothing for another origin and ends the run", "[unit]") {
    Session s;
    RemoteSigner account(*s.client, KeyRole::Account);
    std::string message;
    CHECK(category_of(
              [&] {
                  account.sign_request("", "https://evil.example/order", "bm9uY2U", std::nullopt);
              },
              &message) == Errc::Custody);
    CHECK(message.find("https://evil.example/order") != std::string::npos);
    CHECK(s.end() == ServeEnd::PolicyRefusal);
}

TEST_CASE("custody makes a CSR only for the run's names, with the certificate key", "[unit]") {
    Session s;
    RemoteSigner certificate(*s.client, KeyRole::Certificate);
    Bytes der = certificate.certificate_request({"www.example.com", "example.com"});
    const unsigned char* p = der.data();
    X509ReqPtr request(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(request);
    CHECK(EVP_PKEY_eq(X509_REQ_get0_pubkey(request.get()), s.certificate.key->public_key().get()) ==
          1);

    CHECK(category_of([&] {
              certificate.certificate_request({"example.com", "evil.example"});
          }) == Errc::Custody);
    CHECK(s.end() == ServeEnd::PolicyRefusal);
}

TEST_CASE("a certificate key signs only the revocation the command names", "[unit]") {
    const std::string revocation = R"({"certificate":"MIIB","reason":1})";
    Session plain;
    RemoteSigner certificate(*plain.client, KeyRole::Certificate);
    CHECK(category_of([&] {
              certificate.sign_request(revocation, kCa + "/revoke-cert", "bm9uY2U", std::nullopt);
          }) == Errc::Custody);
    CHECK(plain.end() == ServeEnd::PolicyRefusal);

    Session revoke({Operation::Revocation}, revocation);
    RemoteSigner revoking(*revoke.client, KeyRole::Certificate);
    auto jws = json::parse(
                   revoking.sign_request(revocation, kCa + "/revoke-cert", "bm9uY2U", std::nullopt))
                   .as_object();
    CHECK(protected_header(jws).contains("jwk"));
    revoke.client->goodbye();
    CHECK(revoke.end() == ServeEnd::Goodbye);

    // Anything else that key would sign — another certificate's revocation, a new order, the
    // same payload under a kid — is refused.
    for (auto [payload, kid] : std::vector<std::pair<std::string, std::optional<std::string>>>{
             {R"({"certificate":"MIIC","reason":1})", std::nullopt},
             {R"({"identifiers":[{"type":"dns","value":"example.com"}]})", std::nullopt},
             {revocation, kCa + "/acct/1"}}) {
        Session other({Operation::Revocation}, revocation);
        RemoteSigner key(*other.client, KeyRole::Certificate);
        std::string message;
        CHECK(category_of([&] { key.sign_request(payload, kCa + "/revoke-cert", "bm9uY2U", kid); },
                          &message) == Errc::Custody);
        CHECK_THAT(message, Catch::Contains("signs only the revocation of the certificate"));
        CHECK(other.end() == ServeEnd::PolicyRefusal);
    }
}

TEST_CASE("custody builds the key change itself, only for a rollover", "[unit]") {
    Session plain;
    CHECK(category_of([&] {
              plain.client->ask(KeyChangeRequest{kCa + "/key-change", kCa + "/acct/1"});
          }) == Errc::Custody);
    CHECK(plain.end() == ServeEnd::PolicyRefusal);

    Session rollover({Operation::KeyChange});
    RemoteSigner new_key(*rollover.client, KeyRole::NewAccountKey);
    // The new key signs nothing the network process wrote.
    CHECK(category_of([&] {
              new_key.sign_request("{}", kCa + "/key-change", std::nullopt, std::nullopt);
          }) == Errc::Custody);
    CHECK(rollover.end() == ServeEnd::PolicyRefusal);

    Session again({Operation::KeyChange});
    auto reply = std::get<JwsReply>(
        again.client->ask(KeyChangeRequest{kCa + "/key-change", kCa + "/acct/1"}));
    auto jws = json::parse(reply.text).as_object();
    CHECK(verifies(jws, again.new_key.key->public_key().get()));
    CHECK_FALSE(protected_header(jws).contains("nonce"));
    auto payload_bytes = base64url_decode(jws.at("payload").as_string());
    auto payload = json::parse(std::string(payload_bytes.begin(), payload_bytes.end())).as_object();
    CHECK(payload.at("account").as_string() == kCa + "/acct/1");
    CHECK(payload.at("oldKey").as_object().contains("x"));
    again.client->goodbye();
    CHECK(again.end() == ServeEnd::Goodbye);
}

TEST_CASE("custody binds the account only with the EAB key id it was given", "[unit]") {
    Session s({Operation::ExternalAccountBinding});
    auto reply = std::get<JwsReply>(s.client->ask(EabRequest{"kid-1", kCa + "/new-account"}));
    CHECK(protected_header(json::parse(reply.text).as_object()).at("kid") == "kid-1");
    CHECK(category_of([&] {
              s.client->ask(EabRequest{"kid-2", kCa + "/new-account"});
          }) == Errc::Custody);
    CHECK(s.end() == ServeEnd::PolicyRefusal);
}

TEST_CASE("each side sees the other end: custody gone, network gone, garbage", "[unit]") {
    SECTION("custody gone") {
        Session s;
        s.client->goodbye();
        CHECK(s.end() == ServeEnd::Goodbye);
        s.link.custody.close();
        RemoteSigner account(*s.client, KeyRole::Account);
        std::string message;
        CHECK(category_of([&] { account.public_key(); }, &message) == Errc::DeviceFailure);
        CHECK(message.find("key custody process ended") != std::string::npos);
    }
    SECTION("network gone") {
        Session s;
        s.link.network.close();
        CHECK(s.end() == ServeEnd::PeerClosed);
    }
    SECTION("network gone before its answer") {
        Session s;
        s.link.network.send(encode(Request{PublicKeyRequest{KeyRole::Account}}));
        s.link.network.close();
        CHECK(s.end() == ServeEnd::PeerClosed);
    }
    SECTION("not a request") {
        Session s;
        s.link.network.send(Bytes{0xff, 0x01});
        CHECK(s.end() == ServeEnd::ProtocolError);
    }
}
