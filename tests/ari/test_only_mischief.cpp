#include "tests/ari/test_only_mischief.h"

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <thread>

namespace hwacme::test {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

constexpr std::size_t kHugeBodyBytes = 32 * 1024 * 1024;
constexpr int kFloodHeaders = 100;
constexpr std::size_t kFloodHeaderBytes = 1024;
constexpr std::string_view kUnorderedName = "victim.example.org";
constexpr std::string_view kInjectedName = "victim.example.org\nupdate delete example.org A\nsend";
constexpr std::string_view kScreenClearingDetail =
    "\x1b[2J\x1b[Hall is well, nothing to see\x07\x1b]0;owned\x07";

/// The same URL on https://localhost:PORT: the same server, another origin.
std::string foreign(std::string url) {
    constexpr std::string_view kLoopback = "://127.0.0.1:";
    if (auto at = url.find(kLoopback); at != std::string::npos)
        url.replace(at, kLoopback.size(), "://localhost:");
    return url;
}

std::string path_of(const ProxyRequest& request) {
    std::string path(request.target());
    return path.substr(0, path.find('?'));
}

}  // namespace

std::optional<Mischief> parse_mischief(std::string_view name) {
    static const std::map<std::string_view, Mischief> names{
        {"huge-directory", Mischief::HugeDirectory},
        {"header-flood", Mischief::HeaderFlood},
        {"plain-http-new-order", Mischief::PlainHttpNewOrder},
        {"unordered-authorization", Mischief::UnorderedAuthorization},
        {"injected-authorization", Mischief::InjectedAuthorization},
        {"terminal-escapes", Mischief::TerminalEscapes},
        {"silent-nonce", Mischief::SilentNonce},
        {"foreign-new-order", Mischief::ForeignNewOrder},
        {"foreign-finalize", Mischief::ForeignFinalize},
        {"foreign-certificate", Mischief::ForeignCertificate},
        {"added-identifier", Mischief::AddedIdentifier},
    };
    auto found = names.find(name);
    if (found == names.end()) return std::nullopt;
    return found->second;
}

MischiefMaker::MischiefMaker(Mischief mischief, std::string directory_path,
                             std::string new_nonce_path, std::string new_order_path)
    : mischief_(mischief),
      directory_path_(std::move(directory_path)),
      new_nonce_path_(std::move(new_nonce_path)),
      new_order_path_(std::move(new_order_path)) {}

void MischiefMaker::apply(const ProxyRequest& request, const std::string& host,
                          ProxyResponse& response) {
    auto path = path_of(request);
    if (path == directory_path_ && request.method() == bhttp::verb::get) {
        if (directories_served_++ > 0) directory(host, response);
    } else if (path == new_nonce_path_ && mischief_ == Mischief::SilentNonce) {
        // Longer than any test runs: the client must give up on its own.
        std::this_thread::sleep_for(std::chrono::hours(1));
    } else if (path == new_order_path_ && mischief_ == Mischief::TerminalEscapes) {
        response.result(bhttp::status::bad_request);
        response.set(bhttp::field::content_type, "application/problem+json");
        response.body() = json::serialize(json::object{
            {"type", "urn:ietf:params:acme:error:malformed"},
            {"detail", kScreenClearingDetail},
            {"status", 400},
        });
        response.prepare_payload();
    } else {
        authorization(response);
        order(response);
    }
}

void MischiefMaker::order(ProxyResponse& response) const {
    if (mischief_ != Mischief::ForeignFinalize && mischief_ != Mischief::ForeignCertificate &&
        mischief_ != Mischief::AddedIdentifier)
        return;
    boost::system::error_code ec;
    auto value = json::parse(response.body(), ec);
    if (ec || !value.is_object()) return;
    auto& document = value.as_object();
    auto* identifiers = document.if_contains("identifiers");
    if (!identifiers || !identifiers->is_array() || !document.contains("finalize")) return;
    if (mischief_ == Mischief::ForeignFinalize)
        document["finalize"] = foreign(json::value_to<std::string>(document["finalize"]));
    if (auto* certificate = document.if_contains("certificate");
        certificate && mischief_ == Mischief::ForeignCertificate)
        *certificate = foreign(json::value_to<std::string>(*certificate));
    if (mischief_ == Mischief::AddedIdentifier)
        identifiers->as_array().push_back(json::object{{"type", "dns"}, {"value", kUnorderedName}});
    response.body() = json::serialize(document);
    response.prepare_payload();
}

void MischiefMaker::directory(const std::string& host, ProxyResponse& response) {
    switch (mischief_) {
        case Mischief::HugeDirectory:
            response.body() = R"({"padding":")" + std::string(kHugeBodyBytes, 'x') + R"("})";
            break;
        case Mischief::HeaderFlood:
            for (int i = 0; i < kFloodHeaders; ++i)
                response.insert("X-Flood-" + std::to_string(i),
                                std::string(kFloodHeaderBytes, 'a'));
            break;
        case Mischief::ForeignNewOrder: {
            auto directory = json::parse(response.body()).as_object();
            directory["newOrder"] = foreign("https://" + host + new_order_path_);
            response.body() = json::serialize(directory);
            break;
        }
        case Mischief::PlainHttpNewOrder: {
            auto directory = json::parse(response.body()).as_object();
            directory["newOrder"] = "http://" + host + new_order_path_;
            response.body() = json::serialize(directory);
            break;
        }
        default:
            break;
    }
    response.prepare_payload();
}

void MischiefMaker::authorization(ProxyResponse& response) const {
    if (mischief_ != Mischief::UnorderedAuthorization &&
        mischief_ != Mischief::InjectedAuthorization)
        return;
    boost::system::error_code ec;
    auto value = json::parse(response.body(), ec);
    if (ec || !value.is_object()) return;
    auto& document = value.as_object();
    auto* identifier = document.if_contains("identifier");
    if (!identifier || !identifier->is_object() || !document.contains("challenges")) return;
    identifier->as_object()["value"] =
        mischief_ == Mischief::UnorderedAuthorization ? kUnorderedName : kInjectedName;
    response.body() = json::serialize(document);
    response.prepare_payload();
}

}  // namespace hwacme::test
