#include "tests/service/service_fixture.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "agent/manage/state_lock.h"
#include "agent/service/ca_session.h"
#include "agent/service/certificate_files.h"
#include "common/error.h"
#include "keystore/key_uri.h"
#include "keystore/registry.h"
#include "tests/support/certificate_spki.h"
#include "tests/support/slurp.h"

namespace hwacme::test::service {

using hwacme::service::make_registry;

ServiceFixture::ServiceFixture(const std::string& prefix, const PebbleOptions& pebble_options)
    : pebble(pebble_options), tmp(prefix), now(system_seconds()), state_dir_(tmp / "state") {
    ca.directory_url = pebble.directory_url();
    ca.ca_bundle = pebble.tls_ca_path();
    ca.account_key_uri = "file:" + (tmp / "account.pem").string();
    ca.emails = {"ops@example.com"};
    ca.agree_tos = true;
    options.server = pebble.directory_url();
    options.server_given = true;
    options.ca_bundle = pebble.tls_ca_path().string();
    options.state_dir = state_dir_.string();
    fs::create_directories(tmp / "keys");
}

config::CertificateConfig ServiceFixture::certificate(const std::string& name) const {
    config::CertificateConfig certificate;
    certificate.name = name;
    certificate.identifiers = {name + ".example.com"};
    certificate.key_uri = "file:" + (tmp / "keys").string() + "/" + name + "-{generation}.pem";
    certificate.key_policy = config::KeyPolicy::Rotate;
    certificate.challenge.type = "http-01";
    certificate.challenge.listen_addresses = {"127.0.0.1"};
    certificate.challenge.http_port = static_cast<std::uint16_t>(pebble.http_port());
    certificate.output_dir = tmp / "out" / name;
    return certificate;
}

std::string ServiceFixture::renew(const config::CertificateConfig& certificate, bool force) {
    manage::StateLock lock(state_dir_);
    hwacme::service::CaSession session(options, ca);
    hwacme::service::RenewalSettings settings;
    settings.force = force;
    settings.timeout = std::chrono::seconds(60);
    settings.clock = [this] { return now; };
    return hwacme::service::renew_certificate(session, certificate, state_dir_, settings);
}

manage::CertificateState ServiceFixture::state(const std::string& name) const {
    return manage::load_certificate_state(state_dir_, name);
}

void ServiceFixture::save_state(const std::string& name,
                                const manage::CertificateState& state) const {
    manage::save_certificate_state(state_dir_, name, state);
}

bool key_exists(const std::string& uri) {
    try {
        keystore::open_key(make_registry(), keystore::KeyUri::parse(uri), {});
        return true;
    } catch (const Error& e) {
        if (e.code() != Errc::NotFound) throw;
        return false;
    }
}

Bytes key_spki(const std::string& uri) {
    auto key = keystore::open_key(make_registry(), keystore::KeyUri::parse(uri), {});
    return keystore::public_key_spki(*key);
}

std::set<std::string> token_key_labels(const std::string& token_uri) {
    auto scope = keystore::KeyUri::parse(token_uri);
    std::set<std::string> labels;
    for (const auto& info : make_registry().open_keystore(scope, {})->listing()->list(scope)) {
        if (info.description.rfind("private key", 0) != 0) continue;
        auto at = info.description.find(" label=") + 7;
        labels.insert(info.description.substr(at, info.description.find(' ', at) - at));
    }
    return labels;
}

Bytes generate_key(const std::string& uri) {
    auto parsed = keystore::KeyUri::parse(uri);
    auto store = make_registry().open_keystore(parsed, {});
    return keystore::public_key_spki(*store->generate(parsed, keystore::KeyType::EcP256));
}

std::string check_live_pair(const fs::path& out) {
    auto live = out / "current";
    REQUIRE(fs::is_symlink(live));
    for (const char* name : {"cert.pem", "chain.pem", "fullchain.pem", "key.uri"})
        REQUIRE(fs::exists(live / name));
    // fullchain.pem is what web servers read: the leaf of cert.pem, then chain.pem.
    CHECK(slurp(live / "fullchain.pem") == slurp(live / "cert.pem") + slurp(live / "chain.pem"));
    std::string uri = slurp(live / "key.uri");
    while (!uri.empty() && uri.back() == '\n') uri.pop_back();
    INFO("key.uri: " << uri);
    CHECK(certificate_spki(slurp(live / "cert.pem")) == key_spki(uri));
    return uri;
}

std::string live_serial(const fs::path& out) {
    auto cert = hwacme::service::load_certificate_file(out / "current" / "cert.pem");
    return hwacme::service::summarize(cert.get()).serial_hex;
}

std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> names;
    if (!fs::exists(dir)) return names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

void write_script(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    REQUIRE(::chmod(path.c_str(), 0755) == 0);
}

}  // namespace hwacme::test::service
