// Link headers of CA answers (RFC 8288): alternate chains, terms of service, the problem's new
// terms. Each input line is one Link header; the response keeps repeats as curl delivers them.
#include <cstdint>
#include <string_view>

#include "agent/http/http_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    hwacme::http::Response response;
    response.status = 200;
    while (!text.empty()) {
        auto line = text.substr(0, text.find('\n'));
        response.headers.emplace_back("link", std::string(line));
        text.remove_prefix(std::min(text.size(), line.size() + 1));
    }
    for (std::string_view rel : {"alternate", "terms-of-service", "up", "index"})
        for (const auto& target : response.links(rel))
            if (target.size() > size) __builtin_trap();
    return 0;
}
