#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hwacme::config {

/// Where each field of a JSON text is: Boost.JSON keeps no positions, so messages that must
/// name a line take a second, structural look at the text. Paths are written as in messages:
/// "ca.eab.kid", "certificates[1].identifiers[0]"; the root is "".
///
/// Understands what the configuration allows beyond RFC 8259: // and /* */ comments and
/// trailing commas. On text that is not JSON it stops quietly where it is lost; syntax errors
/// are the parser's to report. Immutable once built; safe to share between threads.
class JsonLocator {
public:
    explicit JsonLocator(std::string_view text);

    /// The 1-based line of an object member's name, or of an array element's first character.
    /// A path not in the text (a missing field) gets the line of its nearest ancestor.
    unsigned line_of(std::string_view path) const;

    /// The path of the first member whose name appears twice in one object. The parser keeps
    /// only the last of them, which would silently drop the other; line_of() gives the last.
    const std::optional<std::string>& first_duplicate() const { return first_duplicate_; }

private:
    friend class LocatorScan;
    std::unordered_map<std::string, unsigned> lines_;
    std::optional<std::string> first_duplicate_;
};

/// The 1-based line of a byte offset in `text`. An offset at the very end of text that ends
/// with a newline counts as the last line, where an "incomplete JSON" error is to be looked for.
unsigned line_at(std::string_view text, std::size_t offset);

}  // namespace hwacme::config
