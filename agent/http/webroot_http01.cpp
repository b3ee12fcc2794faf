#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "agent/http/http01_responder.h"
#include "agent/http/token.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace hwacme::http {
namespace {

namespace fs = std::filesystem;

constexpr auto kFolderMode = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec;

/// Hands key authorizations to a web server that already serves `webroot_`. Each call touches
/// only <webroot>/.well-known/acme-challenge/<base64url token>. Thread-safe: every file is
/// written atomically and no state is kept in memory.
class WebrootHttp01 final : public Http01Responder {
public:
    explicit WebrootHttp01(fs::path webroot) : webroot_(std::move(webroot)) {
        std::error_code ec;
        if (!fs::is_directory(webroot_, ec)) {
            throw Error(Errc::NotFound, "webroot not found: " + webroot_.string());
        }
    }

    void provision(const std::string& token, const std::string& key_authorization) override {
        require_base64url_token(token);
        create_folder(webroot_ / ".well-known");
        create_folder(challenge_folder());
        write_file_atomic(challenge_folder() / token, key_authorization, 0644);
    }

    void remove(const std::string& token) override {
        require_base64url_token(token);
        auto path = challenge_folder() / token;
        std::error_code ec;
        fs::remove(path, ec);
        if (ec && ec != std::errc::no_such_file_or_directory) {
            throw Error(Errc::Io, "cannot remove " + path.string() + ": " + ec.message());
        }
    }

private:
    fs::path challenge_folder() const { return webroot_ / ".well-known" / "acme-challenge"; }

    // Set the mode explicitly: the umask of a root cron job may be 077, and the web server
    // (another user) must still be able to enter the folder.
    static void create_folder(const fs::path& folder) {
        std::error_code ec;
        if (fs::create_directory(folder, ec)) fs::permissions(folder, kFolderMode, ec);
        if (ec) throw Error(Errc::Io, "cannot create " + folder.string() + ": " + ec.message());
    }

    fs::path webroot_;
};

}  // namespace

std::unique_ptr<Http01Responder> make_webroot_http01(const std::filesystem::path& webroot) {
    return std::make_unique<WebrootHttp01>(webroot);
}

}  // namespace hwacme::http
