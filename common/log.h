#pragma once

#include <string>
#include <string_view>

namespace hwacme::log {

/// Levels map to syslog priorities so journald keeps them (sd-daemon(3) "<N>" prefixes).
enum class Level { Error = 3, Warning = 4, Info = 6, Debug = 7 };

/// Messages above this level are dropped. Default Info; `-v` raises it to Debug.
void set_level(Level level) noexcept;
Level level() noexcept;
/// Prefix lines with "<N>" for journald when stderr is the journal (JOURNAL_STREAM set).
void use_journal_prefix(bool on) noexcept;

void write(Level level, std::string_view message);
inline void error(std::string_view m) {
    write(Level::Error, m);
}
inline void warning(std::string_view m) {
    write(Level::Warning, m);
}
inline void info(std::string_view m) {
    write(Level::Info, m);
}
inline void debug(std::string_view m) {
    write(Level::Debug, m);
}

/// A string from a server made safe to print: control characters and non-ASCII escaped as \xNN,
/// cut to `max` characters. A CA's detail text must not drive the operator's terminal.
std::string printable(std::string_view text, std::size_t max = 400);

}  // namespace hwacme::log
