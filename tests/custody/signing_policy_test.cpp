#include "agent/custody/signing_policy.h"

#include <catch2/catch.hpp>
#include <functional>

#include "common/error.h"

using namespace hwacme;
using namespace hwacme::custody;

namespace {

SigningPolicy policy_for(std::string directory, std::set<Operation> operations = {}) {
    return SigningPolicy({.directory_url = std::move(directory),
                          .certificates = {{"web", {"www.example.com", "Example.com"}}},
                          .operations = std::move(operations)});
}

/// The message of the Error{Custody} `refused` throws; empty when it throws nothing.
std::string refusal(const std::function<void()>& refused) {
    try {
        refused();
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Custody);
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("signed requests go only to the directory's scheme, host and port", "[unit]") {
    auto policy = policy_for("https://ca.example:14000/dir");
    CHECK(policy.origin() == "https://ca.example:14000");
    CHECK_NOTHROW(policy.allow_url("https://ca.example:14000/order-plz"));
    CHECK_NOTHROW(policy.allow_url("https://CA.Example:14000/finalize/1"));
    for (const char* elsewhere :
         {"https://ca.example/order-plz", "https://ca.example:14001/order-plz",
          "http://ca.example:14000/order-plz", "https://evil.example:14000/order-plz",
          "https://ca.example.evil.example:14000/", "https://user:pw@ca.example:14000/",
          "https://ca.example:14000@evil.example/", "not a url", ""}) {
        INFO(elsewhere);
        CHECK(refusal([&] { policy.allow_url(elsewhere); }).find("not on the CA's origin") !=
              std::string::npos);
    }
}

TEST_CASE("a directory without a port keeps its scheme's default", "[unit]") {
    auto policy = policy_for("https://acme-v02.api.letsencrypt.org/directory");
    CHECK(policy.origin() == "https://acme-v02.api.letsencrypt.org:443");
    CHECK_NOTHROW(policy.allow_url("https://acme-v02.api.letsencrypt.org:443/acme/new-order"));
    CHECK_NOTHROW(policy.allow_url("https://acme-v02.api.letsencrypt.org/acme/new-order"));
    CHECK_NOTHROW(policy.allow_url("https://acme-v02.api.letsencrypt.org?x"));
    for (const char* elsewhere :
         {"https://acme-v02.api.letsencrypt.org:8443/acme/new-order",
          "https://acme-v02.api.letsencrypt.org.evil.example/acme/new-order",
          "https://acme-v02.api.letsencrypt.org@evil.example/acme/new-order",
          "http://acme-v02.api.letsencrypt.org/acme/new-order"}) {
        INFO(elsewhere);
        CHECK(refusal([&] { policy.allow_url(elsewhere); }).find("not on the CA's origin") !=
              std::string::npos);
    }
    CHECK_THROWS_AS(policy_for("/directory"), Error);
}

TEST_CASE("a CSR names exactly the identifiers the run was started for", "[unit]") {
    auto policy = policy_for("https://ca.example/dir");
    CHECK_NOTHROW(policy.allow_names("web", {"example.com", "www.example.com"}));
    CHECK_NOTHROW(policy.allow_names("web", {"WWW.example.com", "example.COM"}));
    CHECK(refusal([&] {
              policy.allow_names("web", {"example.com"});
          }).find("this run certifies example.com www.example.com") != std::string::npos);
    CHECK(!refusal([&] {
               policy.allow_names("web", {"example.com", "www.example.com", "evil.example"});
           }).empty());
    CHECK(!refusal([&] {
               policy.allow_names("web", {"example.com", "www.example.com", "Example.com"});
           }).empty());
    CHECK(refusal([&] {
              policy.allow_names("mail", {"example.com", "www.example.com"});
          }).find("does not manage") != std::string::npos);
}

TEST_CASE("key change, revocation and EAB only for the commands that ask for them", "[unit]") {
    auto plain = policy_for("https://ca.example/dir");
    CHECK(refusal([&] { plain.allow(Operation::KeyChange); }).find("account key change") !=
          std::string::npos);
    CHECK(!refusal([&] { plain.allow(Operation::Revocation); }).empty());
    CHECK(!refusal([&] { plain.allow(Operation::ExternalAccountBinding); }).empty());
    auto rollover = policy_for("https://ca.example/dir", {Operation::KeyChange});
    CHECK_NOTHROW(rollover.allow(Operation::KeyChange));
    CHECK(!refusal([&] { rollover.allow(Operation::Revocation); }).empty());
}
