#include <filesystem>
#include <memory>
#include <string>

#include "agent/http/challenge_folder.h"
#include "agent/http/http01_responder.h"
#include "agent/http/token.h"

namespace hwacme::http {
namespace {

/// Hands key authorizations to a web server that already serves the webroot. Each call touches
/// only <webroot>/.well-known/acme-challenge/<base64url token>, through the folder opened once
/// at construction (challenge_folder.h). Thread-safe: every file is written atomically and no
/// other state is kept.
class WebrootHttp01 final : public Http01Responder {
public:
    explicit WebrootHttp01(const std::filesystem::path& webroot) : folder_(webroot) {}

    void provision(const std::string& token, const std::string& key_authorization) override {
        require_base64url_token(token);
        folder_.write(token, key_authorization);
    }

    void remove(const std::string& token) override {
        require_base64url_token(token);
        folder_.remove(token);
    }

private:
    ChallengeFolder folder_;
};

}  // namespace

std::unique_ptr<Http01Responder> make_webroot_http01(const std::filesystem::path& webroot) {
    return std::make_unique<WebrootHttp01>(webroot);
}

}  // namespace hwacme::http
