#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace hwacme::custody {

/// Builds a message body (see messages.h): type, protocol version, then each field as a u32
/// big-endian length and its bytes.
class FieldWriter {
public:
    explicit FieldWriter(std::uint8_t type);

    FieldWriter& field(ByteView value);
    FieldWriter& field(std::string_view value) { return field(as_bytes(value)); }
    FieldWriter& byte(std::uint8_t value) { return field(ByteView(&value, 1)); }
    FieldWriter& number(std::uint32_t value);

    /// The body; leaves the writer empty.
    Bytes finish() { return std::move(out_); }

private:
    Bytes out_;
};

/// Reads the fields of one message body in order, after its type and version. Every failure is
/// Error{Errc::Protocol} naming the message and the field, so a refusal in custody's log says
/// what the network process sent.
class FieldReader {
public:
    /// `fields`: the body after type and version; `message` names it in errors ("sign request").
    FieldReader(ByteView fields, std::string_view message) : rest_(fields), message_(message) {}

    /// The next field, checked to hold min..max bytes before anything past its length is read.
    ByteView field(std::string_view name, std::size_t min, std::size_t max);
    /// A field of exactly one byte (a role, a category, a presence flag).
    std::uint8_t byte(std::string_view name);
    /// A field of exactly four bytes, big-endian (a count).
    std::uint32_t number(std::string_view name);
    /// The presence field of an optional value: 0 or 1, nothing else.
    bool present(std::string_view name);
    /// Throws when bytes are left after the last field.
    void finish() const;

    [[noreturn]] void fail(std::string_view name, const std::string& problem) const;

private:
    ByteView rest_;
    std::string_view message_;
};

}  // namespace hwacme::custody
