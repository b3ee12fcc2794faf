#pragma once

#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace hwacme {

/// `text` made safe to show on a terminal: control characters (C0 but newline and tab, DEL, C1),
/// bidirectional overrides and bytes that are not UTF-8 become \xNN escapes; printable UTF-8
/// stays as it is. A CA's, token's or hook's words must not drive the operator's terminal.
std::string terminal_safe(std::string_view text);

/// Escapes everything written to `stream` with terminal_safe for as long as it lives, so every
/// human line a command prints is safe whatever it carries. JSON output passes unchanged: its
/// serializer already escapes control characters. Not thread-safe.
class TerminalSafeOutput : private std::streambuf {
public:
    explicit TerminalSafeOutput(std::ostream& stream);
    ~TerminalSafeOutput() override;
    TerminalSafeOutput(const TerminalSafeOutput&) = delete;
    TerminalSafeOutput& operator=(const TerminalSafeOutput&) = delete;

private:
    int_type overflow(int_type c) override;
    int sync() override;
    void write_line();

    std::ostream& stream_;
    std::streambuf* target_;
    std::string line_;
};

}  // namespace hwacme
