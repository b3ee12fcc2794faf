#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/config/config.h"
#include "common/error.h"

namespace hwacme::test {

/// The message parse_config throws for `text` read as "hwacme.json"; fails the test if it
/// accepts the text.
inline std::string config_error(std::string_view text) {
    try {
        config::parse_config(text, "hwacme.json");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::InvalidArgument);
        return e.what();
    }
    FAIL("the configuration was accepted:\n" << text);
    return {};
}

/// Asserts that the error names the file, the line and the field path first, as operators and
/// editors read it ("hwacme.json:12: certificates[0].key_policy: "), and then says `cause`.
#define CHECK_CONFIG_ERROR(text, line, path, cause)                                              \
    do {                                                                                         \
        std::string message_ = ::hwacme::test::config_error(text);                               \
        INFO(message_);                                                                          \
        CHECK(message_.rfind("hwacme.json:" + std::to_string(line) + ": " + (path) + ": ", 0) == \
              0);                                                                                \
        CHECK(message_.find(cause) != std::string::npos);                                        \
    } while (false)

/// A configuration of one certificate whose fields are one per line from line 9 on, so a test
/// knows the line of each: line_of("key") is the line of "key".
class OneCertificate {
public:
    OneCertificate() {
        fields_ = {{"name", "\"www\""},
                   {"identifiers", "[\"www.example.com\", \"example.com\"]"},
                   {"key", "\"pkcs11:token=web;object=www-{generation}\""},
                   {"output_dir", "\"/etc/hwacme/live/www\""}};
    }

    /// Sets a field to a JSON value text, in its place or as the last field.
    OneCertificate& set(const std::string& name, const std::string& json) {
        for (auto& field : fields_)
            if (field.first == name) {
                field.second = json;
                return *this;
            }
        fields_.emplace_back(name, json);
        return *this;
    }

    OneCertificate& erase(const std::string& name) {
        std::erase_if(fields_, [&](const auto& field) { return field.first == name; });
        return *this;
    }

    unsigned line_of(const std::string& name) const {
        for (std::size_t i = 0; i < fields_.size(); ++i)
            if (fields_[i].first == name) return static_cast<unsigned>(kFirstFieldLine + i);
        FAIL("no field " << name);
        return 0;
    }

    /// The line of the certificate object's opening brace.
    static constexpr unsigned kObjectLine = 8;

    std::string text() const {
        std::string out =
            "{\n"
            "  \"ca\": {\n"
            "    \"directory\": \"https://ca.example/directory\",\n"
            "    \"account_key\": \"file:/var/lib/hwacme/account.pem\"\n"
            "  },\n"
            "  \"certificates\": [\n"
            "    // the certificate under test\n"
            "    {\n";
        for (std::size_t i = 0; i < fields_.size(); ++i)
            out += "      \"" + fields_[i].first + "\": " + fields_[i].second +
                   (i + 1 < fields_.size() ? ",\n" : "\n");
        return out + "    }\n  ]\n}\n";
    }

private:
    static constexpr unsigned kFirstFieldLine = 9;
    std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace hwacme::test
