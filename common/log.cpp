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
    std::lock_guard lock(write_mutex);
    if (journal_prefix) std::fprintf(stderr, "<%d>", static_cast<int>(level));
    // Messages carry what servers, tokens and hooks said: escaped here, once for all of them.
    auto safe = terminal_safe(message);
    std::fwrite(safe.data(), 1, safe.size(), stderr);
    std::fputc('\n', stderr);
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
