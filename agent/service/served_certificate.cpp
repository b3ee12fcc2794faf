#include "agent/service/served_certificate.h"

#include <filesystem>
#include <fstream>

#include "agent/config/config.h"
#include "agent/manage/release.h"
#include "common/error.h"

namespace hwacme::service {
namespace {

/// The file a file: or tpm2:path= URI names; empty for keys that are not files.
std::string file_named_by(const keystore::KeyUri& key) {
    if (key.scheme() == "file") return key.path();
    return key.attribute("path").value_or("");
}

std::string read_key_uri_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string uri;
    if (!in || !std::getline(in, uri) || uri.empty())
        throw Error(Errc::Io, "cannot read the key URI from " + file.string());
    return uri;
}

bool safe_pin_source(const std::string& source) {
    return source.starts_with("file:/") &&
           source.find_first_not_of(
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789/._-:") == std::string::npos;
}

}  // namespace

ServedCertificate served_from_config(const RunOptions& options, const std::string& name) {
    const auto config = config::load_config(options.config_path);
    const auto& cert = config.certificate(name);
    const auto release_dir = manage::active_release_dir(cert.output_dir);
    if (!release_dir)
        throw Error(Errc::NotFound, "certificate " + name + " has no release in " +
                                        cert.output_dir.string() + " yet: run hwacme renew");
    const auto release = manage::release_at(*release_dir);
    const auto live = cert.output_dir / "current";
    ServedCertificate served;
    served.name = name;
    served.fullchain = (live / release.fullchain.filename()).string();
    served.key = keystore::KeyUri::parse(read_key_uri_file(release.key_uri_file));
    served.key_file = release.key_file ? (live / release.key_file->filename()).string()
                                       : file_named_by(served.key);
    if (!config.tcti.empty()) served.tcti = config.tcti;
    return served;
}

ServedKeyKind served_key_kind(const keystore::KeyUri& key) {
    if (key.scheme() == "pkcs11") return ServedKeyKind::Pkcs11;
    if (key.scheme() == "file") return ServedKeyKind::File;
    if (key.attribute("path")) return ServedKeyKind::TpmFile;
    if (key.attribute("handle")) return ServedKeyKind::TpmHandle;
    throw Error(Errc::InvalidUri, key.original() + ": a tpm2 key URI needs path= or handle=");
}

const std::string& config_safe(const std::string& what, const std::string& value) {
    if (value.find_first_of("\"\\$\n\r") != std::string::npos)
        throw Error(Errc::InvalidArgument,
                    what + " contains a quote, backslash, $ or line break: " + value);
    return value;
}

EngineKey engine_key(const keystore::KeyUri& key, const std::string& pin_source) {
    EngineKey out;
    if (auto module = key.query("module-path")) out.module = *module;
    keystore::KeyUri::Attributes kept;
    for (const auto& [name, value] : key.query_attributes()) {
        if (name == "module-path") continue;
        out.has_pin_source = out.has_pin_source || name == "pin-source";
        kept.emplace_back(name, value);
    }
    if (!out.has_pin_source && !pin_source.empty()) {
        if (!safe_pin_source(pin_source))
            throw Error(Errc::InvalidArgument,
                        "--pin-source must be file:/absolute/path (letters, digits, / . _ -)");
        kept.emplace_back("pin-source", pin_source);
        out.has_pin_source = true;
    }
    out.uri = keystore::KeyUri::with_attributes(key.scheme(), key.path_attributes(), kept).str();
    // '$' is legal in a PKCS#11 URI but starts a variable in nginx and Apache configurations.
    for (std::size_t at; (at = out.uri.find('$')) != std::string::npos;)
        out.uri.replace(at, 1, "%24");
    config_safe("key URI", out.uri);
    return out;
}

}  // namespace hwacme::service
