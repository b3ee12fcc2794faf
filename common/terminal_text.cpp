#include "common/terminal_text.h"

#include <cstdio>

namespace hwacme {
namespace {

void escape_bytes(std::string_view bytes, std::string& out) {
    for (unsigned char c : bytes) {
        char escaped[5];
        std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
        out += escaped;
    }
}

void escape_code_point(char32_t code_point, std::string& out) {
    char escaped[7];
    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(code_point));
    out += escaped;
}

/// The length of the UTF-8 sequence at the start of `text`, or 0 when it is not one (RFC 3629:
/// no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8_length(std::string_view text, char32_t& code_point) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(0);
    std::size_t length = lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    if (length == 0 || text.size() < length) return 0;
    code_point = lead & (0x7f >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xc0) != 0x80) return 0;
        code_point = (code_point << 6) | (byte(i) & 0x3f);
    }
    bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
    if (overlong || surrogate || code_point > 0x10ffff) return 0;
    return length;
}

bool is_control(char32_t code_point) {
    bool c1 = code_point >= 0x80 && code_point <= 0x9f;
    // Bidirectional embeddings, overrides and isolates reorder what the terminal shows.
    bool bidi = (code_point >= 0x202a && code_point <= 0x202e) ||
                (code_point >= 0x2066 && code_point <= 0x2069);
    return c1 || bidi;
}

}  // namespace

std::string terminal_safe(std::string_view text, EscapeStyle style) {
    const bool json = style == EscapeStyle::Json;
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        auto c = static_cast<unsigned char>(text.front());
        std::size_t length = 1;
        if (c < 0x80) {
            if ((c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t')
                out += static_cast<char>(c);
            else if (json)
                escape_code_point(c, out);
            else
                escape_bytes(text.substr(0, 1), out);
        } else {
            char32_t code_point = 0;
            length = utf8_length(text, code_point);
            if (length == 0) {
                length = 1;
                if (json)
                    escape_code_point(0xfffd, out);
                else
                    escape_bytes(text.substr(0, 1), out);
            } else if (is_control(code_point)) {
                if (json)
                    escape_code_point(code_point, out);
                else
                    escape_bytes(text.substr(0, length), out);
            } else {
                out += text.substr(0, length);
            }
        }
        text.remove_prefix(length);
    }
    return out;
}

TerminalSafeOutput::TerminalSafeOutput(std::ostream& stream, EscapeStyle style)
    : stream_(stream), style_(style), target_(stream.rdbuf(this)) {}

TerminalSafeOutput::~TerminalSafeOutput() {
    write_line();
    stream_.rdbuf(target_);
    target_->pubsync();
}

TerminalSafeOutput::int_type TerminalSafeOutput::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    line_ += traits_type::to_char_type(c);
    if (line_.back() == '\n') write_line();
    return c;
}

int TerminalSafeOutput::sync() {
    write_line();
    return target_->pubsync();
}

void TerminalSafeOutput::write_line() {
    if (line_.empty()) return;
    auto safe = terminal_safe(line_, style_);
    target_->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
    line_.clear();
}

}  // namespace hwacme
