// A TPM reached without a resource manager (here swtpm) keeps the objects of a process that was
// killed. Runs of `hwacme renew` killed while they held TPM objects must leave a TPM that the
// next run either clears by itself (when the operator allowed it) or names, with the remedy;
// after the remedy the renewal completes. Two runs sharing the TPM never flush each other's.

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <thread>

#include "tests/renew/renew_support.h"
#include "tests/tpm/swtpm_fixture.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;
using namespace std::chrono_literals;

namespace {

constexpr int kKilled = 128 + 9;

/// The transient objects swtpm holds, as tpm2_getcap lists them ("- 0x80000000" lines).
std::vector<std::string> transient_objects(const SwtpmFixture& swtpm) {
    auto listed = swtpm.tpm2_tool({"tpm2_getcap", "handles-transient"});
    INFO("tpm2_getcap: " << listed.stderr_text);
    REQUIRE(listed.exit_code == 0);
    std::vector<std::string> handles;
    std::istringstream lines(listed.stdout_text);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("- 0x", 0) == 0) handles.push_back(line.substr(2));
    return handles;
}

/// One certificate whose rotated keys are TSS2 key files in `tmp`/keys, proven by dns-01.
struct TpmRenewal {
    PebbleFixture pebble{[] {
        PebbleOptions options;
        options.extra_env = {"PEBBLE_AUTHZREUSE=0"};  // every order has a challenge to die in
        return options;
    }()};
    SwtpmFixture swtpm;
    TempDir tmp{"hwacme-tpm-leftovers"};
    Hooks hooks = write_hooks(tmp.path());
    fs::path out = tmp / "out";
    fs::path config;
    std::vector<std::string> env = hooks.env(pebble);
    fs::path dns_hook = hooks.dns;
    int round = 0;

    /// Writes the configuration with one more name than last time: no authorization exists for
    /// it, so the next order always has a challenge (PEBBLE_AUTHZREUSE=0 alone once let an
    /// order come back ready, as renew_crash_test.cpp found).
    void configure() {
        config = write_config(
            tmp.path(), pebble,
            {{.name = "box",
              .identifiers = {"box.example.com", "round" + std::to_string(++round) + ".example"},
              .key = "tpm2:path=" + (tmp / "keys").string() + "/box-{generation}.tss2.pem",
              .grace = "0s",
              .challenge = dns01(dns_hook),
              .output_dir = out}},
            swtpm.tcti());
        fs::create_directories(tmp / "keys");
        // The account key in the TPM too, so that every request the run sends is a TPM
        // signature that a kill can interrupt.
        auto text = slurp(config);
        const std::string file_key = "file:" + (tmp / "account.pem").string();
        auto at = text.find(file_key);
        REQUIRE(at != std::string::npos);
        write_text(config,
                   text.replace(at, file_key.size(),
                                "tpm2:path=" + (tmp / "keys" / "account.tss2.pem").string()));
    }

    /// `hwacme renew --force` for a fresh order, to start as a process of the test's own.
    std::vector<std::string> renew_argv() {
        configure();
        return {std::string(HWACME_BINARY_DIR) + "/hwacme", "--config", config.string(), "renew",
                "--force"};
    }

    CommandResult renew(std::vector<std::string> args = {"renew", "--force"}) {
        configure();
        return run_configured(config, std::move(args), env);
    }

    enum class KillMoment {
        Validation,  ///< by the DNS hook, while the order waits for validation
        Creation,    ///< as soon as the TPM holds more transient objects than before the run
        Signing,     ///< once the order exists, while the run signs its next requests
    };

    /// `renew --force` killed with SIGKILL while it holds TPM objects, at `moment`. Returns its
    /// exit code: kKilled, or 1 when it failed before it got there.
    int killed_renewal(KillMoment moment) {
        if (moment == KillMoment::Validation) {
            hooks.kill_at("add");
            int code = renew().exit_code;
            std::filesystem::remove(hooks.kill_dir / "add");
            return code;
        }
        auto before = transient_objects(swtpm).size();
        const fs::path log = tmp / "killed.err";
        std::filesystem::remove(log);
        // In a session of its own, so the kill takes a DNS hook it is just starting along: an
        // orphaned hook would see the next round's kill file and kill its new parent, the test
        // process (the Pebble fixture makes it the subreaper).
        Process run(
            renew_argv(),
            {.env = env, .stdout_path = "/dev/null", .stderr_path = log, .new_session = true});
        // "order URL is pending" follows the signed newOrder; the authorization, challenge
        // and polling requests that come next are each signed by the TPM account key.
        auto reached = [&] {
            return moment == KillMoment::Creation
                       ? transient_objects(swtpm).size() > before
                       : slurp(log).find(" is pending") != std::string::npos;
        };
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (!reached()) {
            if (auto code = run.wait_for_exit(0ms)) return *code;
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(5ms);
        }
        ::kill(-run.pid(), SIGKILL);
        return run.wait_for_exit(30s).value_or(-1);
    }

    /// Five kills in a row, taking the moments in turn from `first`. The first lands on an empty
    /// TPM and must kill; swtpm has three object slots, so once the leftovers fill them a run
    /// fails before it gets to its moment (exit 1, the guiding error) instead of being killed.
    /// A kill can land between two TPM commands, when the run holds nothing, so the count of
    /// leftovers varies: up to ten more kills at key creation make sure at least two are left,
    /// enough that a run cannot load its key.
    void kill_five_times(KillMoment first) {
        int kills = 0;
        for (int round = 0; round < 5; ++round) {
            int code =
                killed_renewal(static_cast<KillMoment>((static_cast<int>(first) + round) % 3));
            INFO("round " << round << " exit " << code);
            if (round == 0) CHECK(code == kKilled);
            CHECK((code == kKilled || code == 1));
            kills += code == kKilled;
        }
        CHECK(kills >= 1);
        for (int extra = 0; extra < 10 && transient_objects(swtpm).size() < 2; ++extra) {
            int code = killed_renewal(KillMoment::Creation);
            INFO("extra kill " << extra << " exit " << code);
            CHECK((code == kKilled || code == 1));
        }
        REQUIRE(transient_objects(swtpm).size() >= 2);
    }

    /// The published certificate carries the key key.uri names, and nothing is pending.
    void check_consistent() {
        check_live_pair(out, swtpm.tcti());
        auto box = status_of(config)["box"];
        CHECK(box.at("pending").is_null());
        CHECK(text(box.at("last_error")).empty());
    }
};

}  // namespace

TEST_CASE(
    "renewals killed while they hold TPM objects are named by the next run and the "
    "documented remedy lets it complete",
    "[pebble][swtpm]") {
    TpmRenewal t;
    auto first = t.renew({"renew"});
    INFO("first renew: " << first.stderr_text);
    REQUIRE(first.exit_code == 0);

    t.kill_five_times(TpmRenewal::KillMoment::Signing);
    auto blocked = t.renew();
    INFO("after the kills: " << blocked.stderr_text);
    CHECK(blocked.exit_code == 1);
    // renew reports per certificate, then its summary: the cause is the certificate's line.
    CHECK_THAT(blocked.stderr_text, Catch::Contains("is out of memory for objects"));
    CHECK_THAT(blocked.stderr_text, Catch::Contains("transient objects"));
    CHECK_THAT(blocked.stderr_text,
               Catch::Contains("TPM2TOOLS_TCTI='" + t.swtpm.tcti() + "' tpm2_flushcontext -t"));
    CHECK_THAT(blocked.stderr_text, Catch::Contains("--tpm-flush-stale"));
    CHECK_THAT(blocked.stderr_text, Catch::Contains("device:/dev/tpmrm0"));

    // The remedy the message names, as an operator runs it.
    auto flushed = t.swtpm.tpm2_tool({"tpm2_flushcontext", "-t"});
    INFO("tpm2_flushcontext: " << flushed.stderr_text);
    REQUIRE(flushed.exit_code == 0);
    auto rerun = t.renew();
    INFO("after the remedy: " << rerun.stderr_text);
    REQUIRE(rerun.exit_code == 0);
    t.check_consistent();
    CHECK(transient_objects(t.swtpm).empty());
}

TEST_CASE("with --tpm-flush-stale the run after five kills flushes what they left and renews",
          "[pebble][swtpm]") {
    auto first = GENERATE(TpmRenewal::KillMoment::Creation, TpmRenewal::KillMoment::Validation);
    INFO("first kill at moment " << static_cast<int>(first));
    TpmRenewal t;
    REQUIRE(t.renew({"renew"}).exit_code == 0);
    t.kill_five_times(first);
    auto left = transient_objects(t.swtpm).size();

    auto recovered = t.renew({"--tpm-flush-stale", "renew", "--force"});
    INFO("recovering run: " << recovered.stderr_text);
    REQUIRE(recovered.exit_code == 0);
    CHECK_THAT(recovered.stderr_text,
               Catch::Contains("flushed " + std::to_string(left) + " transient objects"));
    CHECK_THAT(recovered.stderr_text, Catch::Contains("no resource manager"));
    t.check_consistent();
    CHECK(transient_objects(t.swtpm).empty());
}

TEST_CASE("a run allowed to flush leaves alone the objects of another run on the same TPM",
          "[pebble][swtpm]") {
    TpmRenewal t;
    // A DNS hook that, on add, waits while the file `hold` exists: run A then sits in its
    // validation with its new key loaded in the TPM for as long as the test wants.
    const fs::path hold = t.tmp / "hold";
    const fs::path holding = t.tmp / "holding";
    const fs::path holding_hook = t.tmp / "holding-dns-hook";
    write_text(holding_hook,
               "#!/usr/bin/env bash\nif [[ $1 == add ]]; then : >'" + holding.string() +
                   "'; while [[ -e '" + hold.string() + "' ]]; do sleep 0.05; done; fi\nexec '" +
                   t.hooks.dns.string() + "' \"$@\"\n",
               0755);
    t.dns_hook = holding_hook;
    REQUIRE(t.renew({"renew"}).exit_code == 0);
    write_text(hold, "");
    std::filesystem::remove(holding);

    Process a(t.renew_argv(),
              {.env = t.env, .stdout_path = t.tmp / "a.out", .stderr_path = t.tmp / "a.err"});
    wait_for_file(holding);
    auto held_by_a = transient_objects(t.swtpm);
    REQUIRE_FALSE(held_by_a.empty());

    // Run B, allowed to flush, on the same TPM and state folder (so the same lock).
    auto b = run_hwacme({"-v", "--tpm-flush-stale", "--tcti", t.swtpm.tcti(), "--state-dir",
                         (t.tmp / "state").string(), "key", "show",
                         "tpm2:path=" + (t.tmp / "keys" / "box-1.tss2.pem").string()});
    INFO("run B: " << b.stderr_text);
    CHECK_THAT(b.stderr_text, Catch::Contains("another hwacme run is connected to the TPM"));
    CHECK_THAT(b.stderr_text, !Catch::Contains("that interrupted runs left"));
    for (const auto& handle : held_by_a) {
        auto still = transient_objects(t.swtpm);
        CHECK(std::find(still.begin(), still.end(), handle) != still.end());
    }

    std::filesystem::remove(hold);
    auto a_exit = a.wait_for_exit(120s);
    INFO("run A: " << slurp(t.tmp / "a.err"));
    REQUIRE(a_exit == 0);
    t.check_consistent();
}

TEST_CASE("key show and status say whether the TCTI has a resource manager", "[pebble][swtpm]") {
    TpmRenewal t;
    REQUIRE(t.renew({"renew"}).exit_code == 0);
    auto shown =
        run_hwacme({"--tcti", t.swtpm.tcti(), "--state-dir", (t.tmp / "state").string(), "key",
                    "show", "tpm2:path=" + (t.tmp / "keys" / "box-1.tss2.pem").string()});
    INFO(shown.stderr_text);
    REQUIRE(shown.exit_code == 0);
    CHECK_THAT(shown.stdout_text,
               Catch::Contains("resource manager: none (" + t.swtpm.tcti() + ")"));
    auto status = run_configured(t.config, {"status"}, t.env);
    INFO(status.stderr_text);
    REQUIRE(status.exit_code == 0);
    CHECK_THAT(status.stdout_text, Catch::Contains("resource manager: none ("));
}
