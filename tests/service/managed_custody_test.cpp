// Custody's rules for `renew` (service::ManagedCustody): which key of a managed certificate the
// network process may have opened or generated, which it may have destroyed, and when custody
// runs a deploy hook. The state on disk is the network process's to write, so each case also
// writes the state a subverted one would.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "agent/manage/certificate_state.h"
#include "agent/manage/release.h"
#include "agent/service/managed_custody.h"
#include "common/error.h"
#include "tests/support/temp_dir.h"

using namespace hwacme;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

namespace fs = std::filesystem;

config::CertificateConfig rotating(const test::TempDir& tmp, const std::string& name) {
    config::CertificateConfig certificate;
    certificate.name = name;
    certificate.identifiers = {name + ".example"};
    certificate.key_uri = "file:" + (tmp / (name + "-{generation}.pem")).string();
    certificate.key_policy = config::KeyPolicy::Rotate;
    certificate.output_dir = tmp / "out" / name;
    return certificate;
}

std::string key_of(const test::TempDir& tmp, const std::string& name, unsigned generation) {
    return "file:" + (tmp / (name + "-" + std::to_string(generation) + ".pem")).string();
}

/// www serves generation 3; generation 2 retired a day ago and generation 1 retired with its
/// grace period still running.
manage::CertificateState serving_third(const test::TempDir& tmp) {
    auto now = system_seconds();
    manage::CertificateState state;
    state.last_key_generation = 3;
    state.current = manage::InstalledCertificate{.serial_hex = "03",
                                                 .key_uri = key_of(tmp, "www", 3),
                                                 .key_generation = 3,
                                                 .not_before = now - 24h,
                                                 .not_after = now + 24h * 60,
                                                 .ari_id = {},
                                                 .release_dir = tmp / "out/www/releases/03"};
    state.retired_keys = {{key_of(tmp, "www", 2), "02", tmp / "out/www/releases/02", now - 24h},
                          {key_of(tmp, "www", 1), "01", tmp / "out/www/releases/01", now + 24h}};
    return state;
}

std::string refusal(const std::function<void()>& asked) {
    try {
        asked();
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Custody);
        return e.what();
    }
    FAIL("custody agreed");
    return {};
}

}  // namespace

TEST_CASE("custody opens only the next generation of a rotating key, or the pending one",
          "[unit]") {
    test::TempDir tmp("hwacme-managed-custody");
    auto state = serving_third(tmp);
    manage::save_certificate_state(tmp / "state", "www", state);
    service::ManagedCustody custody({rotating(tmp, "www")}, tmp / "state", false);

    auto next = custody.key_of("www", 4);
    CHECK(next.uri.str() == key_of(tmp, "www", 4));
    CHECK(next.may_generate);
    CHECK_THAT(refusal([&] { custody.key_of("www", 3); }),
               Contains("refused generation 3 of the key of www: this run may generate "
                        "generation 4"));
    CHECK_THAT(refusal([&] { custody.key_of("www", 1); }), Contains("generation 1"));
    CHECK_THAT(refusal([&] { custody.key_of("www", 5); }), Contains("generation 5"));
    CHECK_THAT(refusal([&] { custody.key_of("api", 1); }),
               Contains("a request for certificate 'api': this run does not renew it"));

    // A renewal begun before a crash keeps its key: the rerun opens it, not a newer one.
    state.pending = manage::PendingRenewal{key_of(tmp, "www", 4), 4, std::nullopt, {}};
    state.last_key_generation = 4;
    manage::save_certificate_state(tmp / "state", "www", state);
    service::ManagedCustody resumed({rotating(tmp, "www")}, tmp / "state", false);
    CHECK(resumed.key_of("www", 4).uri.str() == key_of(tmp, "www", 4));
    CHECK(resumed.key_of("www", 5).uri.str() == key_of(tmp, "www", 5));
    CHECK_THAT(refusal([&] { resumed.key_of("www", 6); }),
               Contains("may generate generation 5 or resume generation 4"));
}

TEST_CASE("a key of policy reuse is the configured one, generation 0 only", "[unit]") {
    test::TempDir tmp("hwacme-managed-custody");
    auto certificate = rotating(tmp, "mail");
    certificate.key_policy = config::KeyPolicy::Reuse;
    certificate.key_uri = "file:" + (tmp / "mail.pem").string();
    service::ManagedCustody custody({certificate}, tmp / "state", false);
    CHECK(custody.key_of("mail", 0).uri.str() == certificate.key_uri);
    CHECK_THAT(refusal([&] { custody.key_of("mail", 1); }), Contains("key policy is reuse"));
}

TEST_CASE("custody destroys only keys retired past their grace when the run began", "[unit]") {
    test::TempDir tmp("hwacme-managed-custody");
    manage::save_certificate_state(tmp / "state", "www", serving_third(tmp));
    service::ManagedCustody custody({rotating(tmp, "www")}, tmp / "state", false);

    CHECK_NOTHROW(custody.allow_destroy("www", key_of(tmp, "www", 2), false));
    CHECK_THAT(refusal([&] { custody.allow_destroy("www", key_of(tmp, "www", 1), false); }),
               Contains("the state does not show it retired past its grace period"));
    CHECK_THAT(refusal([&] { custody.allow_destroy("www", key_of(tmp, "www", 3), false); }),
               Contains("the state has it in use"));
    CHECK_THAT(refusal([&] { custody.allow_destroy("www", key_of(tmp, "www", 4), true); }),
               Contains("this run generated it"));
    CHECK_THAT(
        refusal([&] { custody.allow_destroy("www", "file:/etc/ssl/private/other.pem", false); }),
        Contains("it was neither retired nor serving when the run began"));

    SECTION("a state rewritten during the run to retire the serving key at once is not enough") {
        auto forged = serving_third(tmp);
        forged.retired_keys.push_back(
            {key_of(tmp, "www", 3), "03", tmp / "out/www/releases/03", system_seconds() - 1h});
        forged.current.reset();
        manage::save_certificate_state(tmp / "state", "www", forged);
        // The serving key retires in a run that installed its successor; with a grace period
        // of zero the state shows it due at once, and that is the one way it goes in this run.
        CHECK_NOTHROW(custody.allow_destroy("www", key_of(tmp, "www", 3), false));
        forged.retired_keys.push_back({"file:/etc/ssl/private/other.pem", "09",
                                       tmp / "out/www/releases/09", system_seconds() - 1h});
        manage::save_certificate_state(tmp / "state", "www", forged);
        CHECK_THAT(refusal([&] {
                       custody.allow_destroy("www", "file:/etc/ssl/private/other.pem", false);
                   }),
                   Contains("neither retired nor serving when the run began"));
    }
}

TEST_CASE("a dry run destroys only the keys it generated and runs no deploy hook", "[unit]") {
    test::TempDir tmp("hwacme-managed-custody");
    manage::save_certificate_state(tmp / "state", "www", serving_third(tmp));
    auto certificate = rotating(tmp, "www");
    certificate.deploy_hook = "/bin/true";
    service::ManagedCustody custody({certificate}, tmp / "state", true);
    CHECK_NOTHROW(custody.allow_destroy("www", key_of(tmp, "www", 4), true));
    CHECK_THAT(refusal([&] { custody.allow_destroy("www", key_of(tmp, "www", 2), false); }),
               Contains("a dry run destroys only the keys it generated"));
    CHECK_THAT(refusal([&] { custody.deploy("www"); }), Contains("a dry run runs no deploy hook"));
}

TEST_CASE("custody runs the configured deploy hook with the event of the live release", "[unit]") {
    test::TempDir tmp("hwacme-managed-custody");
    auto certificate = rotating(tmp, "www");
    auto hook = tmp / "hook";
    {
        std::ofstream out(hook);
        out << "#!/bin/sh\nprintf '%s %s' \"$HWACME_SERIAL\" \"$HWACME_CERT_PATH\" > \""
            << (tmp / "told").string() << "\"\n[ \"$HWACME_SERIAL\" = 03 ]\n";
    }
    fs::permissions(hook, fs::perms::owner_all);
    certificate.deploy_hook = hook.string();
    auto state = serving_third(tmp);
    state.current->release_dir =
        manage::write_release(certificate.output_dir, "03", {"-----BEGIN CERTIFICATE-----\n"},
                              state.current->key_uri, 0644)
            .dir;
    manage::save_certificate_state(tmp / "state", "www", state);
    service::ManagedCustody custody({certificate}, tmp / "state", false);

    auto reply = custody.deploy("www");
    CHECK(reply.succeeded);
    CHECK_THAT(refusal([&] { custody.deploy("www"); }), Contains("it ran in this run already"));
    std::ifstream told(tmp / "told");
    std::string text((std::istreambuf_iterator<char>(told)), {});
    CHECK(text == "03 " + (certificate.output_dir / "current" / "cert.pem").string());

    state.current->serial_hex = "04";
    manage::save_certificate_state(tmp / "state", "www", state);
    service::ManagedCustody next_run({certificate}, tmp / "state", false);
    auto failed = next_run.deploy("www");
    CHECK_FALSE(failed.succeeded);
    CHECK_THAT(failed.outcome, Contains("the deploy hook " + hook.string() + " failed"));

    certificate.deploy_hook.clear();
    service::ManagedCustody without({certificate}, tmp / "state", false);
    CHECK_THAT(refusal([&] { without.deploy("www"); }),
               Contains("to run the deploy hook of www: it has none"));
}
