#include "tpm/tpm_location.h"

#include <openssl/crypto.h>

#include <cstdio>

#include "common/error.h"
#include "common/secret_file.h"

namespace hwacme::tpm {
namespace {

// TCG "Registry of Reserved TPM 2.0 Handles and Localities" §2.3.1: the owner's persistent range.
constexpr std::uint32_t kOwnerPersistentFirst = 0x81000000, kOwnerPersistentLast = 0x817FFFFF;
constexpr std::size_t kMaxAuthSize = 32;

[[noreturn]] void invalid(const keystore::KeyUri& uri, const std::string& why) {
    throw Error(Errc::InvalidUri, "invalid tpm2: key URI '" + uri.str() + "': " + why);
}

std::uint32_t parse_handle(const std::string& text, const keystore::KeyUri& uri) {
    std::size_t used = 0;
    unsigned long value = 0;
    try {
        value = std::stoul(text, &used, 16);
    } catch (const std::exception&) {
        used = 0;
    }
    if (!text.starts_with("0x") || used != text.size() || value < kOwnerPersistentFirst ||
        value > kOwnerPersistentLast)
        invalid(uri, "handle '" + text + "' is not a persistent handle 0x81000000-0x817fffff");
    return static_cast<std::uint32_t>(value);
}

}  // namespace

std::string hex32(std::uint32_t handle) {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08x", handle);
    return text;
}

TpmLocation TpmLocation::parse(const keystore::KeyUri& uri) {
    if (uri.scheme() != "tpm2") invalid(uri, "the scheme is not tpm2:");
    TpmLocation loc;
    for (const auto& [name, value] : uri.path_attributes()) {
        if (name == "path") {
            if (!value.starts_with("/")) invalid(uri, "path must be absolute");
            loc.kind = Kind::File;
            loc.path = value;
        } else if (name == "handle") {
            loc.kind = Kind::Handle;
            loc.handle = parse_handle(value, uri);
        } else {
            invalid(uri, "unknown attribute '" + name + "' (known: path, handle)");
        }
    }
    if (uri.attribute("path") && uri.attribute("handle"))
        invalid(uri, "path and handle cannot both be given");
    for (const auto& [name, value] : uri.query_attributes()) {
        if (name == "tcti")
            invalid(uri, "the TCTI is configured (--tcti, HWACME_TCTI), not part of a key name");
        if (name != "auth-source")
            invalid(uri, "unknown query attribute '" + name + "' (known: auth-source)");
        if (loc.auth_file) invalid(uri, "auth-source appears twice");
        auto file = secret_source_file(value);
        if (!file) invalid(uri, "auth-source must be file:/absolute/path");
        loc.auth_file = file->string();
    }
    if (loc.auth_file && loc.kind == Kind::Tpm) invalid(uri, "auth-source needs a path or handle");
    return loc;
}

std::string TpmLocation::uri(bool with_auth_source) const {
    keystore::KeyUri::Attributes path_attrs, query_attrs;
    if (kind == Kind::File) path_attrs.emplace_back("path", path);
    if (kind == Kind::Handle) path_attrs.emplace_back("handle", hex32(handle));
    if (with_auth_source && auth_file)
        query_attrs.emplace_back("auth-source", "file:" + *auth_file);
    return keystore::KeyUri::with_attributes("tpm2", path_attrs, query_attrs).str();
}

AuthValue AuthValue::read(const std::optional<std::string>& auth_file) {
    AuthValue auth;
    if (!auth_file) return auth;
    try {
        // Room for a trailing newline, so that a 32-byte value written by echo gets through.
        auth.value_ = read_secret_file(*auth_file, kMaxAuthSize + 2, "the auth value");
    } catch (const Error& e) {
        // Not NotFound: that would read as "no such key" and invite generating one.
        throw Error(Errc::InvalidArgument, std::string("cannot read the auth value: ") + e.what());
    }
    if (auth.value_.empty())
        throw Error(Errc::InvalidArgument, "the auth value file " + *auth_file + " is empty");
    if (auth.value_.view().size() > kMaxAuthSize)
        throw Error(Errc::InvalidArgument,
                    "the auth value in " + *auth_file + " is longer than 32 bytes");
    return auth;
}

}  // namespace hwacme::tpm
