#include "agent/custody/fields.h"

#include "agent/custody/messages.h"
#include "common/error.h"

namespace hwacme::custody {
namespace {

constexpr std::size_t kLengthBytes = 4;

void put_u32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint32_t get_u32(ByteView in) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < kLengthBytes; ++i) value = (value << 8) | in[i];
    return value;
}

std::string bytes(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

}  // namespace

FieldWriter::FieldWriter(std::uint8_t type) : out_{type, kProtocolVersion} {}

FieldWriter& FieldWriter::field(ByteView value) {
    // A length that does not fit would make every later field unreadable: refuse, never wrap.
    if (value.size() > UINT32_MAX)
        throw Error(Errc::Protocol, "a field of " + bytes(value.size()) + " cannot be encoded");
    put_u32(out_, static_cast<std::uint32_t>(value.size()));
    out_.insert(out_.end(), value.begin(), value.end());
    return *this;
}

FieldWriter& FieldWriter::number(std::uint32_t value) {
    Bytes encoded;
    put_u32(encoded, value);
    return field(encoded);
}

ByteView FieldReader::field(std::string_view name, std::size_t min, std::size_t max) {
    if (rest_.size() < kLengthBytes) fail(name, "is missing");
    std::size_t length = get_u32(rest_);
    rest_ = rest_.subspan(kLengthBytes);
    if (length > max) fail(name, "has " + bytes(length) + ", more than " + std::to_string(max));
    if (length < min) fail(name, "has " + bytes(length) + ", fewer than " + std::to_string(min));
    if (length > rest_.size())
        fail(name, "is cut short: " + bytes(length) + " declared, " + std::to_string(rest_.size()) +
                       " left");
    ByteView value = rest_.first(length);
    rest_ = rest_.subspan(length);
    return value;
}

std::uint8_t FieldReader::byte(std::string_view name) {
    return field(name, 1, 1)[0];
}

std::uint32_t FieldReader::number(std::string_view name) {
    return get_u32(field(name, kLengthBytes, kLengthBytes));
}

bool FieldReader::present(std::string_view name) {
    std::uint8_t flag = byte(name);
    if (flag > 1) fail(name, "has presence flag " + std::to_string(flag) + ", not 0 or 1");
    return flag == 1;
}

void FieldReader::finish() const {
    if (!rest_.empty())
        throw Error(Errc::Protocol,
                    std::string(message_) + ": " + bytes(rest_.size()) + " after the last field");
}

void FieldReader::fail(std::string_view name, const std::string& problem) const {
    throw Error(Errc::Protocol, std::string(message_) + ": " + std::string(name) + " " + problem);
}

}  // namespace hwacme::custody
