// `hwacme key generate|list|show|delete` with tpm2: URIs, as an operator types them: the TPM
// named by --tcti, keys in TSS2 files and at persistent handles.

#include <catch2/catch.hpp>

#include "tests/tpm/tpm_cli_support.h"

using namespace hwacme::test;
using namespace hwacme::test::tpm_cli;
namespace fs = std::filesystem;

TEST_CASE("hwacme key generates lists shows and deletes TPM key files and persistent keys",
          "[swtpm]") {
    SwtpmFixture swtpm;
    TempDir tmp("hwacme-tpm-keycli");
    const std::string file_uri = "tpm2:path=" + (tmp / "web.tss2.pem").string();
    const std::string handle_uri = "tpm2:handle=0x81000030";
    auto hwacme = [&](const std::vector<std::string>& args) {
        return run_hwacme(join({"--tcti", swtpm.tcti(), "key"}, args));
    };

    auto made_file = hwacme({"generate", file_uri});
    INFO(made_file.stderr_text);
    REQUIRE(made_file.exit_code == 0);
    CHECK(made_file.stdout_text == file_uri + " ec-p256\n");
    auto made_handle = hwacme({"generate", handle_uri, "--type", "rsa2048"});
    INFO(made_handle.stderr_text);
    REQUIRE(made_handle.exit_code == 0);
    CHECK(made_handle.stdout_text == handle_uri + " rsa2048\n");

    // A second generate at either place would destroy a key: refused, and the key unchanged.
    const std::string key_file = slurp(tmp / "web.tss2.pem");
    for (const auto& uri : {file_uri, handle_uri}) {
        auto again = hwacme({"generate", uri});
        CHECK(again.exit_code == 1);
        CHECK(one_line(again.stderr_text));
    }
    CHECK(slurp(tmp / "web.tss2.pem") == key_file);

    auto files = hwacme({"list", "tpm2:path=" + tmp.path().string()});
    INFO(files.stderr_text);
    CHECK(files.exit_code == 0);
    CHECK(files.stdout_text.find(file_uri + "\tec-p256\tfile, parent 0x40000001") == 0);
    auto persistent = hwacme({"list", "tpm2:"});
    INFO(persistent.stderr_text);
    CHECK(persistent.exit_code == 0);
    CHECK(persistent.stdout_text.find(handle_uri + "\trsa2048\tpersistent") == 0);

    // Each key is also readable by the tpm2-openssl provider, under its own naming.
    for (const auto& [uri, provider_name] :
         {std::pair{file_uri, (tmp / "web.tss2.pem").string()},
          std::pair{handle_uri, std::string("handle:0x81000030")}}) {
        INFO(uri);
        auto shown = hwacme({"show", uri});
        INFO(shown.stderr_text);
        REQUIRE(shown.exit_code == 0);
        CHECK(shown.stdout_text.find("jwk thumbprint: ") != std::string::npos);
        CHECK(shown.stdout_text.find("fixedTPM: yes\n") != std::string::npos);
        CHECK(shown.stdout_text.find("fixedParent: yes\n") != std::string::npos);
        CHECK(shown.stdout_text.find("sensitiveDataOrigin: yes\n") != std::string::npos);
        CHECK(shown.stdout_text.find("custody: generated in this TPM") != std::string::npos);
        CHECK(provider_public_key(swtpm, provider_name).find("BEGIN PUBLIC KEY") !=
              std::string::npos);
    }

    for (const auto& uri : {file_uri, handle_uri}) {
        auto deleted = hwacme({"delete", uri});
        INFO(deleted.stderr_text);
        CHECK(deleted.exit_code == 0);
        CHECK(deleted.stdout_text == "deleted " + uri + "\n");
        auto gone = hwacme({"show", uri});
        CHECK(gone.exit_code == 1);
        CHECK(one_line(gone.stderr_text));
    }
    CHECK_FALSE(fs::exists(tmp / "web.tss2.pem"));
    CHECK(getcap(swtpm, "handles-persistent").empty());
    CHECK(getcap(swtpm, "handles-transient").empty());
    CHECK(getcap(swtpm, "handles-loaded-session").empty());
}
