#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "common/terminal_text.h"

namespace hwacme::log {
namespace {

std::atomic<Level> current_level{Level::Info};
std::atomic<bool> journal_prefix{std::getenv("JOURNAL_STREAM") != nullptr};
std::mutex write_mutex;

}  // namespace

void set_level(Level level) noexcept {
    current_level = level;
}
Level level() noexcept {
    return current_level;
}
void use_journal_prefix(bool on) noexcept {
    journal_prefix = on;
}

void write(Level level, std::string_view message) {
    if (static_cast<int>(level) > static_cast<int>(current_level.load())) return;
    // Messages carry what servers, tokens and hooks said: escaped here, once for all of them.
    std::string line = journal_prefix ? "<" + std::to_string(static_cast<int>(level)) + ">" : "";
    line += terminal_safe(message);
    line += '\n';
    // One write per line: key custody and the network process share stderr, and a line written
    // in pieces could be split by the other's.
    std::lock_guard lock(write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string printable(std::string_view text, std::size_t max) {
    std::string out;
    for (unsigned char c : text) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace hwacme::log
