#include "agent/manage/certificate_state.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <functional>

#include "common/atomic_file.h"
#include "common/error.h"
#include "tests/cli/hwacme_runner.h"

using namespace hwacme;
using namespace hwacme::manage;
using namespace std::chrono;
using hwacme::test::TempDir;

namespace {

TimePoint at(int day, int hour = 0) {
    return sys_days(2026y / November / day) + hours(hour);
}

CertificateState full_state() {
    CertificateState state;
    state.current = InstalledCertificate{"0A1B2C",
                                         "tpm2:path=/var/lib/hwacme/keys/web-3.tss2.pem",
                                         3,
                                         at(1),
                                         at(28, 12),
                                         "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE",
                                         "/etc/ssl/web/releases/0A1B2C"};
    state.pending = PendingRenewal{"pkcs11:token=acme;object=web-4", 4,
                                   "https://ca.example/order/17", at(20, 5)};
    state.retired_keys = {
        {"tpm2:path=/k/web-2.tss2.pem", "09FF", "/etc/ssl/web/releases/09FF", at(25)},
        {"file:/k/web-1.pem", "0800", "/etc/ssl/web/releases/0800", at(26)}};
    state.last_key_generation = 4;
    state.deploy_pending = true;
    state.renew_at = at(18, 7);
    state.ari_checked_until = at(19, 1);
    state.last_error = "the CA answered 503: \"busy\"";
    state.history = {{at(1), "0800", "file:/k/web-1.pem", at(30)},
                     {at(10), "09FF", "tpm2:path=/k/web-2.tss2.pem", at(30)}};
    return state;
}

void check_same(const CertificateState& a, const CertificateState& b) {
    REQUIRE(a.current.has_value() == b.current.has_value());
    if (a.current) {
        CHECK(a.current->serial_hex == b.current->serial_hex);
        CHECK(a.current->key_uri == b.current->key_uri);
        CHECK(a.current->key_generation == b.current->key_generation);
        CHECK(a.current->not_before == b.current->not_before);
        CHECK(a.current->not_after == b.current->not_after);
        CHECK(a.current->ari_id == b.current->ari_id);
        CHECK(a.current->release_dir == b.current->release_dir);
    }
    REQUIRE(a.pending.has_value() == b.pending.has_value());
    if (a.pending) {
        CHECK(a.pending->key_uri == b.pending->key_uri);
        CHECK(a.pending->key_generation == b.pending->key_generation);
        CHECK(a.pending->order_url == b.pending->order_url);
        CHECK(a.pending->started == b.pending->started);
    }
    REQUIRE(a.retired_keys.size() == b.retired_keys.size());
    for (std::size_t i = 0; i < a.retired_keys.size(); ++i) {
        CHECK(a.retired_keys[i].key_uri == b.retired_keys[i].key_uri);
        CHECK(a.retired_keys[i].serial_hex == b.retired_keys[i].serial_hex);
        CHECK(a.retired_keys[i].release_dir == b.retired_keys[i].release_dir);
        CHECK(a.retired_keys[i].destroy_after == b.retired_keys[i].destroy_after);
    }
    CHECK(a.last_key_generation == b.last_key_generation);
    CHECK(a.deploy_pending == b.deploy_pending);
    CHECK(a.renew_at == b.renew_at);
    CHECK(a.ari_checked_until == b.ari_checked_until);
    CHECK(a.last_error == b.last_error);
    REQUIRE(a.history.size() == b.history.size());
    for (std::size_t i = 0; i < a.history.size(); ++i) {
        CHECK(a.history[i].at == b.history[i].at);
        CHECK(a.history[i].serial_hex == b.history[i].serial_hex);
        CHECK(a.history[i].key_uri == b.history[i].key_uri);
        CHECK(a.history[i].not_after == b.history[i].not_after);
    }
}

Errc error_code_of(const std::function<void()>& action, std::string& message) {
    try {
        action();
    } catch (const Error& e) {
        message = e.what();
        return e.code();
    }
    FAIL("no error");
    return Errc::Io;
}

}  // namespace

TEST_CASE("a certificate state with every optional member survives a save and a load", "[unit]") {
    TempDir tmp("hwacme-state");
    auto state = full_state();
    save_certificate_state(tmp.path(), "web", state);
    check_same(load_certificate_state(tmp.path(), "web"), state);
}

TEST_CASE("a certificate state without optional members loads back without them", "[unit]") {
    TempDir tmp("hwacme-state");
    CertificateState state;
    state.current = full_state().current;
    state.current->ari_id.clear();
    state.pending = PendingRenewal{"file:/k/new.pem", 0, std::nullopt, at(3)};
    save_certificate_state(tmp.path(), "web", state);
    auto loaded = load_certificate_state(tmp.path(), "web");
    check_same(loaded, state);
    CHECK_FALSE(loaded.pending->order_url.has_value());
    CHECK_FALSE(loaded.renew_at.has_value());
    CHECK_FALSE(loaded.ari_checked_until.has_value());
}

TEST_CASE("a certificate never managed has an empty state", "[unit]") {
    TempDir tmp("hwacme-state");
    auto state = load_certificate_state(tmp.path(), "never");
    CHECK_FALSE(state.current.has_value());
    CHECK_FALSE(state.pending.has_value());
    CHECK(state.retired_keys.empty());
    CHECK(state.history.empty());
    CHECK(state.last_key_generation == 0);
}

TEST_CASE("the state file is private and its times are RFC 3339 UTC", "[unit]") {
    TempDir tmp("hwacme-state");
    save_certificate_state(tmp / "state", "web", full_state());
    auto path = certificate_state_path(tmp / "state", "web");
    CHECK(path == tmp / "state" / "certificates" / "web" / "state.json");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    for (auto dir : {path.parent_path(), path.parent_path().parent_path()}) {
        REQUIRE(::stat(dir.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
    }
    auto text = read_file(path);
    CHECK(text.find("\"not_after\":\"2026-11-28T12:00:00Z\"") != std::string::npos);
    CHECK(text.find("\"renew_at\":\"2026-11-18T07:00:00Z\"") != std::string::npos);
}

TEST_CASE("a corrupt state file is an I/O error naming the file and is left as it is", "[unit]") {
    TempDir tmp("hwacme-state");
    save_certificate_state(tmp.path(), "web", full_state());
    auto path = certificate_state_path(tmp.path(), "web");
    auto good = read_file(path);

    struct Case {
        std::string content;
        std::string detail;
    };
    auto bad_time = good;
    bad_time.replace(bad_time.find("2026-11-28T12:00:00Z"), 20, "28 Nov 2026 12:00:00");
    auto bad_generation = good;
    bad_generation.replace(bad_generation.find("\"last_key_generation\":4"), 23,
                           "\"last_key_generation\":-1");
    auto no_serial = good;
    no_serial.replace(no_serial.find("\"serial\":\"0A1B2C\","), 18, "");
    auto case_ = GENERATE_COPY(
        Case{good.substr(0, good.size() / 2), "not JSON"}, Case{"", "not JSON"},
        Case{"[]", "not an object"}, Case{bad_time, "\"not_after\" is not an RFC 3339 time"},
        Case{bad_generation, "\"last_key_generation\""}, Case{no_serial, "\"serial\" is missing"},
        Case{"{\"version\":2}", "format version 2"});
    write_file_atomic(path, case_.content, 0600);
    std::string message;
    CHECK(error_code_of([&] { load_certificate_state(tmp.path(), "web"); }, message) == Errc::Io);
    CHECK(message.find(path.string()) != std::string::npos);
    CHECK(message.find(case_.detail) != std::string::npos);
    CHECK(read_file(path) == case_.content);
}

TEST_CASE("only the newest twenty history entries are kept", "[unit]") {
    TempDir tmp("hwacme-state");
    CertificateState state;
    for (int i = 0; i < 25; ++i)
        state.history.push_back({at(1, i % 24), "S" + std::to_string(i), "file:/k", at(30)});
    save_certificate_state(tmp.path(), "web", state);
    auto loaded = load_certificate_state(tmp.path(), "web");
    REQUIRE(loaded.history.size() == kHistoryLimit);
    CHECK(loaded.history.front().serial_hex == "S5");
    CHECK(loaded.history.back().serial_hex == "S24");

    append_history(loaded, {at(2), "S25", "file:/k", at(30)});
    REQUIRE(loaded.history.size() == kHistoryLimit);
    CHECK(loaded.history.front().serial_hex == "S6");
    CHECK(loaded.history.back().serial_hex == "S25");
}

TEST_CASE("a certificate name that would leave the certificates folder is refused", "[unit]") {
    auto name = GENERATE(as<std::string>{}, "", ".", "..", "../etc", "a/b");
    std::string message;
    CHECK(error_code_of([&] { certificate_state_path("/var/lib/hwacme", name); }, message) ==
          Errc::InvalidArgument);
}
