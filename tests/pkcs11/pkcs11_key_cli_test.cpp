// `hwacme key generate|list|show|delete` on pkcs11: URIs: the life of a token key as an operator
// manages it, without a CA.
#include <catch2/catch.hpp>

#include "tests/pkcs11/pkcs11_cli_support.h"
#include "tests/pkcs11/softhsm_fixture.h"

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

namespace {

CommandResult hwacme_ok(const std::vector<std::string>& args) {
    auto result = run_hwacme(args);
    INFO("hwacme " << args.at(1) << " stderr: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return result;
}

}  // namespace

TEST_CASE("key generate list show and delete manage token keys through the CLI", "[softhsm]") {
    SoftHsmToken token("hwacme-e2e");
    const std::vector<std::pair<std::string, std::string>> keys{
        {"p256", "ec-p256"}, {"p384", "ec-p384"}, {"rsa", "rsa2048"}};

    for (const auto& [object, type] : keys) {
        auto generated = hwacme_ok({"key", "generate", token.uri_for(object), "--type", type});
        // The URI printed opens the key again: normalised, with its id and type=private.
        CHECK(generated.stdout_text.find("pkcs11:token=" + token.token_label() +
                                         ";object=" + object) == 0);
        CHECK(generated.stdout_text.find(";type=private") != std::string::npos);
        CHECK(generated.stdout_text.find(" " + type + "\n") != std::string::npos);
        CHECK(generated.stdout_text.find(token.pin()) == std::string::npos);

        auto again = run_hwacme({"key", "generate", token.uri_for(object), "--type", type});
        check_one_line_failure(again);
        CHECK(again.stderr_text.find("already") != std::string::npos);
    }

    auto listed = hwacme_ok({"key", "list", token.token_uri()});
    for (const auto& [object, type] : keys)
        CHECK(listed.stdout_text.find("object=" + object) != std::string::npos);
    CHECK(listed.stdout_text.find("\tec-p256\tprivate key token=" + token.token_label() +
                                  " label=p256") != std::string::npos);
    CHECK(listed.stdout_text.find("\trsa2048\tprivate key") != std::string::npos);

    auto shown = hwacme_ok({"key", "show", token.uri_for("p384")});
    CHECK(shown.stdout_text.find("type: ec-p384\n") != std::string::npos);
    CHECK(shown.stdout_text.find("jwk thumbprint: ") != std::string::npos);
    CHECK(shown.stdout_text.find("token: " + token.token_label() + "\n") != std::string::npos);
    CHECK(shown.stdout_text.find("custody: bound to the token\n") != std::string::npos);
    CHECK(shown.stdout_text.find("never extractable: yes\n") != std::string::npos);

    auto deleted = hwacme_ok({"key", "delete", token.uri_for("p384")});
    CHECK(deleted.stdout_text.find("deleted ") == 0);
    auto after = hwacme_ok({"key", "list", token.token_uri()});
    CHECK(after.stdout_text.find("object=p384") == std::string::npos);
    CHECK(after.stdout_text.find("object=p256") != std::string::npos);
    CHECK(after.stdout_text.find("object=rsa") != std::string::npos);

    auto gone = run_hwacme({"key", "show", token.uri_for("p384")});
    check_one_line_failure(gone);
    CHECK(gone.stderr_text.find("p384") != std::string::npos);
    auto twice = run_hwacme({"key", "delete", token.uri_for("p384")});
    check_one_line_failure(twice);
    CHECK(twice.stderr_text.find("p384") != std::string::npos);
}
