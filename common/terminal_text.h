#pragma once

#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace hwacme {

/// How terminal_safe writes what it escapes.
enum class EscapeStyle {
    Text,  ///< \xNN per byte, for human output
    Json,  ///< \uXXXX per character (\ufffd for a byte that is not UTF-8): stays valid JSON,
           ///< since outside strings JSON text is plain ASCII
};

/// `text` made safe to show on a terminal: control characters (C0 but newline and tab, DEL, C1),
/// bidirectional overrides and bytes that are not UTF-8 are escaped; printable UTF-8 stays as it
/// is. A CA's, token's or hook's words must not drive the operator's terminal.
std::string terminal_safe(std::string_view text, EscapeStyle style = EscapeStyle::Text);

/// Escapes everything written to `stream` with terminal_safe for as long as it lives, so every
/// line a command prints is safe whatever it carries. Not thread-safe.
class TerminalSafeOutput : private std::streambuf {
public:
    explicit TerminalSafeOutput(std::ostream& stream, EscapeStyle style = EscapeStyle::Text);
    ~TerminalSafeOutput() override;
    TerminalSafeOutput(const TerminalSafeOutput&) = delete;
    TerminalSafeOutput& operator=(const TerminalSafeOutput&) = delete;

private:
    int_type overflow(int_type c) override;
    int sync() override;
    void write_line();

    std::ostream& stream_;
    EscapeStyle style_;
    std::streambuf* target_;
    std::string line_;
};

}  // namespace hwacme
