// A renewalInfo answer (RFC 9773 §4.2). Its parser is private to fetch_renewal_info, which
// reaches it only through the HTTP client, so the CA is played by a loopback server: the
// directory once, then each input as the body of the renewalInfo answer.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "agent/acme/renewal_info.h"
#include "common/error.h"
#include "fuzz/loopback_http.h"

namespace {

std::mutex body_mutex;
std::string body;  // the answer to the next renewalInfo GET

hwacme::fuzz::LoopbackHttp& server() {
    static hwacme::fuzz::LoopbackHttp loopback([](const std::string& path) {
        if (path == "/dir") {
            return hwacme::fuzz::json_response(
                R"({"newNonce":"/n","newAccount":"/a","newOrder":"/o","revokeCert":"/r",)"
                R"("renewalInfo":")" +
                server().url("/ari") + R"("})");
        }
        std::lock_guard lock(body_mutex);
        return hwacme::fuzz::json_response(body, "Retry-After: 21600\r\n");
    });
    return loopback;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static hwacme::http::Client http({});
    static hwacme::acme::Client acme(http, server().url("/dir"));
    {
        std::lock_guard lock(body_mutex);
        body.assign(reinterpret_cast<const char*>(data), size);
    }
    try {
        auto info = hwacme::acme::fetch_renewal_info(acme, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
        if (!info || info->window_end <= info->window_start) __builtin_trap();
    } catch (const hwacme::Error&) {
    }
    return 0;
}
