#pragma once

// What the tests of the service layer share: a Pebble CA, a scratch folder for the state,
// keys and output, a clock the test moves by hand, and renew_certificate called as
// `hwacme renew` calls it, so weeks of renewals and grace periods pass in a moment.

#include <filesystem>
#include <set>
#include <string>

#include "agent/config/config.h"
#include "agent/manage/certificate_state.h"
#include "agent/service/renewal_run.h"
#include "agent/service/run_options.h"
#include "common/bytes.h"
#include "common/rfc3339.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/temp_dir.h"

namespace hwacme::test::service {

namespace fs = std::filesystem;

class ServiceFixture {
public:
    explicit ServiceFixture(const std::string& prefix, const PebbleOptions& pebble_options = {});

    /// A certificate renewed with policy rotate: keys DIR/keys/NAME-{generation}.pem, http-01
    /// answered on the port Pebble validates, output in DIR/out/NAME.
    config::CertificateConfig certificate(const std::string& name) const;

    /// One run, as `hwacme renew` makes it: a new CA session (a new process would have one),
    /// under the state lock, at the fake time `now`.
    std::string renew(const config::CertificateConfig& certificate, bool force = false);

    manage::CertificateState state(const std::string& name) const;
    void save_state(const std::string& name, const manage::CertificateState& state) const;
    const fs::path& state_dir() const { return state_dir_; }

    PebbleFixture pebble;
    TempDir tmp;
    /// What the clock given to renew_certificate answers; it starts at the real time, since
    /// Pebble's certificates are valid from then.
    TimePoint now;
    config::CaConfig ca;
    hwacme::service::RunOptions options;

private:
    fs::path state_dir_;
};

/// Whether the key exists in its device (a file, a token object).
bool key_exists(const std::string& uri);
/// The DER SubjectPublicKeyInfo of a key, read from its device.
Bytes key_spki(const std::string& uri);
/// The labels of the private keys in the token `token_uri` names.
std::set<std::string> token_key_labels(const std::string& token_uri);
/// Makes the key at `uri`, as a renewal that crashed right after generating it would have.
Bytes generate_key(const std::string& uri);

/// The live pair: OUT/current/fullchain.pem's leaf carries the public key of the key that
/// OUT/current/key.uri names. Returns that key URI.
std::string check_live_pair(const fs::path& out);
/// The serial of the certificate OUT/current serves, as the state spells it.
std::string live_serial(const fs::path& out);

/// The names in a folder; empty when it does not exist.
std::set<std::string> files_in(const fs::path& dir);
void write_script(const fs::path& path, const std::string& text);

}  // namespace hwacme::test::service
