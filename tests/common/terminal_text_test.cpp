#include "common/terminal_text.h"

#include <catch2/catch.hpp>
#include <sstream>

using hwacme::terminal_safe;

TEST_CASE("terminal_safe escapes what drives a terminal and keeps printable UTF-8", "[unit]") {
    CHECK(terminal_safe("plain text, tabs\tand\nnewlines") == "plain text, tabs\tand\nnewlines");
    CHECK(terminal_safe("\x1b[2J\x1b[H") == "\\x1b[2J\\x1b[H");
    CHECK(terminal_safe("bell\x07 nul") == "bell\\x07 nul");
    CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(terminal_safe("\r\x7f") == "\\x0d\\x7f");
    CHECK(terminal_safe("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");
    // C1 CSI as UTF-8, and as a lone byte a Latin-1 terminal would obey.
    CHECK(terminal_safe("\xc2\x9b"
                        "2J") == "\\xc2\\x9b2J");
    CHECK(terminal_safe("\x9b"
                        "2J") == "\\x9b2J");
    // Right-to-left override and isolate.
    CHECK(terminal_safe("a\xe2\x80\xae"
                        "b\xe2\x81\xa6") == "a\\xe2\\x80\\xaeb\\xe2\\x81\\xa6");
    // Overlong '/', a surrogate, past U+10FFFF, a truncated sequence.
    CHECK(terminal_safe("\xc0\xaf") == "\\xc0\\xaf");
    CHECK(terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");
    CHECK(terminal_safe("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
    CHECK(terminal_safe("\xe2\x82") == "\\xe2\\x82");
}

TEST_CASE("TerminalSafeOutput escapes a stream for as long as it lives", "[unit]") {
    std::ostringstream out;
    {
        hwacme::TerminalSafeOutput safe(out);
        out << "status: \x1b[31mvalid\x1b[0m\n"
            << "no newline at the end \x07";
    }
    out << "\x07 after";
    CHECK(out.str() == "status: \\x1b[31mvalid\\x1b[0m\nno newline at the end \\x07\x07 after");
}

TEST_CASE("terminal_safe's JSON style keeps JSON valid", "[unit]") {
    using hwacme::EscapeStyle;
    CHECK(terminal_safe(R"({"detail":"cafÃ©"})", EscapeStyle::Json) == R"({"detail":"cafÃ©"})");
    CHECK(terminal_safe("\"\xc2\x9b"
                        "2J\"",
                        EscapeStyle::Json) == "\"\\u009b2J\"");
    CHECK(terminal_safe("\"a\xe2\x80\xae"
                        "b\"",
                        EscapeStyle::Json) == "\"a\\u202eb\"");
    CHECK(terminal_safe("\"\xff\"", EscapeStyle::Json) == "\"\\ufffd\"");
    CHECK(terminal_safe("\"\x7f\"\n", EscapeStyle::Json) == "\"\\u007f\"\n");
}
