#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/secret_file.h"
#include "keystore/key_uri.h"

namespace hwacme::tpm {

/// What a `tpm2:` URI names, validated: `tpm2:` (the TPM itself, for list), `tpm2:path=/abs/file`
/// (a TSS2 key file, or a folder for list) or `tpm2:handle=0x81000002` (a persistent key in the
/// owner range 0x81000000–0x817FFFFF), with the optional query `auth-source=file:/path`. A `tcti`
/// attribute is refused: the TPM is chosen by configuration, never by a key name.
struct TpmLocation {
    enum class Kind { Tpm, File, Handle };
    Kind kind = Kind::Tpm;
    std::string path;                      ///< Kind::File
    std::uint32_t handle = 0;              ///< Kind::Handle
    std::optional<std::string> auth_file;  ///< where the key's auth value is read from

    /// Error{InvalidUri} naming the problem.
    static TpmLocation parse(const keystore::KeyUri& uri);
    /// The URI again, without the auth source (for listings) or with it.
    std::string uri(bool with_auth_source = true) const;
};

/// "0x81000002": a handle or attribute word as eight hex digits.
std::string hex32(std::uint32_t handle);

/// A key's auth value, read from its auth-source file and wiped from memory when destroyed. It
/// never appears in argv, logs or error messages. Move-only.
class AuthValue {
public:
    AuthValue() = default;
    /// Reads the file (one trailing newline is dropped). Error{InvalidArgument} naming the file
    /// when it cannot be read, is empty, or holds more than 32 bytes (the SHA-256 nameAlg limit,
    /// Part 1 §19.6.4).
    static AuthValue read(const std::optional<std::string>& auth_file);

    bool empty() const noexcept { return value_.empty(); }
    ByteView bytes() const noexcept {
        return {reinterpret_cast<const std::uint8_t*>(value_.view().data()), value_.view().size()};
    }

private:
    Secret value_;  ///< wiped when the AuthValue goes
};

}  // namespace hwacme::tpm
