#include "agent/custody/field_rules.h"

#include "agent/custody/messages.h"
#include "common/terminal_text.h"

namespace hwacme::custody {
namespace {

bool allows(Charset set, unsigned char c) {
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    switch (set) {
        case Charset::Base64url:
            return alnum || c == '-' || c == '_';
        case Charset::VisibleAscii:
            return c > 0x20 && c < 0x7f;
        case Charset::PrintableAscii:
            return c >= 0x20 && c < 0x7f;
        case Charset::IdentifierName:
            return alnum || c == '.' || c == '-' || c == '*' || c == ':';
        case Charset::DnsRecordName:
        case Charset::CertificateName:
            return alnum || c == '.' || c == '-' || c == '_';
    }
    return false;
}

std::string_view set_name(Charset set) {
    switch (set) {
        case Charset::Base64url:
            return "base64url";
        case Charset::VisibleAscii:
            return "visible ASCII";
        case Charset::PrintableAscii:
            return "printable ASCII";
        case Charset::IdentifierName:
            return "A-Z a-z 0-9 . - * :";
        case Charset::DnsRecordName:
        case Charset::CertificateName:
            return "A-Z a-z 0-9 . - _";
    }
    return "its set";
}

}  // namespace

std::string read_text(FieldReader& in, std::string_view name, std::size_t min, std::size_t max,
                      Charset set) {
    std::string text = to_string(in.field(name, min, max));
    for (unsigned char c : text)
        if (!allows(set, c)) in.fail(name, "has a character outside " + std::string(set_name(set)));
    return text;
}

std::string read_https_url(FieldReader& in, std::string_view name) {
    constexpr std::string_view kScheme = "https://";
    std::string url = read_text(in, name, 1, kMaxUrlBytes, Charset::VisibleAscii);
    if (!url.starts_with(kScheme) || url.size() == kScheme.size())
        in.fail(name, "is not an https URL");
    return url;
}

std::string read_printable_utf8(FieldReader& in, std::string_view name, std::size_t min,
                                std::size_t max) {
    std::string text = to_string(in.field(name, min, max));
    // terminal_safe leaves exactly printable UTF-8, newline and tab as they are: anything it
    // would escape is a byte this field must not carry.
    bool printable = text.find_first_of("\n\t") == std::string::npos && terminal_safe(text) == text;
    if (!printable) in.fail(name, "is not printable UTF-8");
    return text;
}

}  // namespace hwacme::custody
