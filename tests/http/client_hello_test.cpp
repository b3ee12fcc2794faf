#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "agent/http/client_hello.h"

using hwacme::http::alpn_extension_offers;
using hwacme::http::find_alpn_protocol;
using hwacme::http::kAcmeTls1;
using hwacme::http::sni_host_name;

namespace {

/// The bytes in a heap block of exactly their size, so that AddressSanitizer reports a read one
/// byte past the end.
class ExactBuffer {
public:
    explicit ExactBuffer(const std::string& bytes)
        : size_(bytes.size()), data_(std::make_unique<unsigned char[]>(bytes.size())) {
        std::copy(bytes.begin(), bytes.end(), data_.get());
    }
    std::span<const unsigned char> span() const { return {data_.get(), size_}; }

private:
    std::size_t size_;
    std::unique_ptr<unsigned char[]> data_;
};

std::string entry(const std::string& name) {
    return std::string(1, static_cast<char>(name.size())) + name;
}

/// Whether `part` lies inside `whole`, compared as addresses.
bool inside(std::span<const unsigned char> part, std::span<const unsigned char> whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::string with_u16_length(const std::string& body) {
    return std::string{static_cast<char>(body.size() >> 8), static_cast<char>(body.size() & 0xff)} +
           body;
}

}  // namespace

TEST_CASE("find_alpn_protocol finds acme-tls/1 among other protocols and stays in the list",
          "[unit]") {
    std::string many;
    for (int i = 0; i < 100; ++i) many += entry("proto-" + std::to_string(i));
    ExactBuffer list(many + entry("acme-tls/1"));
    auto found = find_alpn_protocol(list.span(), kAcmeTls1);
    REQUIRE(found.size() == kAcmeTls1.size());
    CHECK(inside(found, list.span()));
    CHECK(std::string(found.begin(), found.end()) == "acme-tls/1");

    ExactBuffer only(entry("acme-tls/1"));
    CHECK(find_alpn_protocol(only.span(), kAcmeTls1).data() == only.span().data() + 1);
}

TEST_CASE("find_alpn_protocol offers nothing for hostile lists", "[unit]") {
    // The old callback compared a clamped substring, so "\x0b" + "acme-tls/1" (a name that
    // claims 11 bytes with 10 left) matched and reported 11 bytes: one past OpenSSL's buffer.
    auto hostile = GENERATE(std::string(),                               // empty list
                            std::string("\x0b") + "acme-tls/1",          // length past the end
                            std::string("\xff") + "acme-tls/1",          // far past the end
                            entry("acme-tls/1") + "\x05" + "ab",         // trailing cut entry
                            entry("acme-tls/1") + std::string(1, '\0'),  // empty name
                            std::string(1, '\0') + entry("acme-tls/1"),  // empty name first
                            entry("acme-tls/"),                          // a prefix only
                            entry("acme-tls/1x"),                        // a longer name
                            std::string("\x0a") + "acme-tls/");          // one byte short
    INFO("list of " << hostile.size() << " bytes");
    ExactBuffer list(hostile);
    CHECK(find_alpn_protocol(list.span(), kAcmeTls1).empty());
}

TEST_CASE("alpn_extension_offers checks the extension's own length too", "[unit]") {
    CHECK(alpn_extension_offers(with_u16_length(entry("h2") + entry("acme-tls/1")), kAcmeTls1));
    CHECK_FALSE(alpn_extension_offers(with_u16_length(entry("h2")), kAcmeTls1));
    CHECK_FALSE(alpn_extension_offers("", kAcmeTls1));
    CHECK_FALSE(alpn_extension_offers(std::string("\x00", 1), kAcmeTls1));
    CHECK_FALSE(alpn_extension_offers(std::string("\x00\x00", 2), kAcmeTls1));
    // A list length past the extension's end, and one that leaves bytes after the list.
    CHECK_FALSE(alpn_extension_offers(std::string("\x00\x0c", 2) + entry("acme-tls/1"), kAcmeTls1));
    CHECK_FALSE(alpn_extension_offers(with_u16_length(entry("acme-tls/1")) + "\x01", kAcmeTls1));
}

TEST_CASE("sni_host_name reads the host_name entry and refuses cut extensions", "[unit]") {
    auto host = [](const std::string& name) {
        return with_u16_length(std::string(1, '\0') + with_u16_length(name));
    };
    CHECK(sni_host_name(host("Example.COM")) == "example.com");
    // Another name type first, then the host_name.
    CHECK(sni_host_name(with_u16_length(std::string(1, '\x07') + with_u16_length("x") +
                                        std::string(1, '\0') + with_u16_length("a.example"))) ==
          "a.example");
    std::string cut = host("example.com");
    for (std::size_t size = 0; size < cut.size(); ++size) {
        INFO("cut to " << size << " bytes");
        CHECK(sni_host_name(cut.substr(0, size)).empty());
    }
}
