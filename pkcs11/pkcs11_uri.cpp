#include "pkcs11/pkcs11_uri.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include <openssl/crypto.h>

#include "common/error.h"
#include "common/secret_file.h"

namespace hwacme::pkcs11 {
namespace {

// RFC 7512 §2.3 path attributes this backend understands. library-* and slot-* select by
// module or slot index, which this backend refuses on purpose: slots renumber (hardware.md).
constexpr std::array<std::string_view, 7> kPathAttributes{
    "token", "manufacturer", "serial", "model", "object", "id", "type"};
constexpr std::array<std::string_view, 5> kTypes{"private", "public", "cert", "secret-key", "data"};

// A URI shown in a message: rebuilt from the parsed attributes without any pin-value.
std::string shown(const keystore::KeyUri& uri) {
    keystore::KeyUri::Attributes query;
    for (auto& attribute : uri.query_attributes())
        if (attribute.first != "pin-value") query.push_back(attribute);
    return keystore::KeyUri::with_attributes(uri.scheme(), uri.path_attributes(), query).str();
}

[[noreturn]] void invalid(const keystore::KeyUri& uri, const std::string& reason) {
    throw Error(Errc::InvalidUri, "PKCS#11 URI '" + shown(uri) + "': " + reason);
}

std::optional<std::string> single_query(const keystore::KeyUri& uri, std::string_view name) {
    auto n = std::count_if(uri.query_attributes().begin(), uri.query_attributes().end(),
                           [&](auto& a) { return a.first == name; });
    if (n > 1) invalid(uri, "query attribute '" + std::string(name) + "' is given twice");
    return uri.query(name);
}

}  // namespace

std::string TokenSelector::describe() const {
    std::string out;
    auto add = [&](std::string_view name, const std::optional<std::string>& value) {
        if (!value) return;
        if (!out.empty()) out += ' ';
        out += std::string(name) + "=" + *value;
    };
    add("token", label);
    add("manufacturer", manufacturer);
    add("serial", serial);
    add("model", model);
    return out;
}

Pkcs11Uri Pkcs11Uri::parse(const keystore::KeyUri& uri) {
    if (uri.scheme() != "pkcs11")
        throw Error(Errc::InvalidUri,
                    "the PKCS#11 backend serves pkcs11: URIs, not " + uri.scheme() + ":");
    // Checked first: a PIN inside the URI reaches argv, shell history and logs.
    if (uri.query("pin-value") || uri.attribute("pin-value"))
        invalid(uri,
                "pin-value is refused: a PIN inside a URI leaks through argv, shell history "
                "and logs; use pin-source=file:/path or the HWACME_PKCS11_PIN environment "
                "variable");
    for (auto& [name, value] : uri.path_attributes())
        if (std::find(kPathAttributes.begin(), kPathAttributes.end(), name) ==
            kPathAttributes.end())
            invalid(uri, "unknown path attribute '" + name +
                             "' (known: token, manufacturer, serial, model, object, id, type)");
    for (auto& [name, value] : uri.query_attributes())
        if (name != "module-path" && name != "pin-source")
            invalid(uri, "unknown query attribute '" + name + "' (known: module-path, pin-source)");

    Pkcs11Uri out;
    out.token = {uri.attribute("token"), uri.attribute("manufacturer"), uri.attribute("serial"),
                 uri.attribute("model")};
    if (out.token.empty())
        invalid(uri,
                "no token attribute: add token=LABEL (or serial=, model=, manufacturer=); "
                "tokens are never chosen by slot number");
    out.object = uri.attribute("object");
    if (auto id = uri.attribute("id")) {
        if (id->empty()) invalid(uri, "id is empty");
        out.id = Bytes(id->begin(), id->end());
    }
    out.type = uri.attribute("type");
    if (out.type && std::find(kTypes.begin(), kTypes.end(), *out.type) == kTypes.end())
        invalid(uri, "unknown type '" + *out.type +
                         "' (RFC 7512: private, public, cert, "
                         "secret-key, data)");
    auto module = single_query(uri, "module-path");
    out.module_path_given = module.has_value();
    out.module_path = module ? *module : default_module_path();
    if (out.module_path.empty()) invalid(uri, "module-path is empty");
    out.pin_source = single_query(uri, "pin-source");
    if (out.pin_source && !secret_source_file(*out.pin_source))
        invalid(uri, "pin-source must name an absolute file path (pin-source=file:/path)");
    return out;
}

std::string Pkcs11Uri::describe_object() const {
    std::string out = object ? "object '" + *object + "'" : "";
    if (id) out += (out.empty() ? "id " : " id ") + hex(*id);
    return out;
}

std::string Pkcs11Uri::key_uri(const std::string& token_label, const std::string& label,
                               ByteView key_id, std::string_view key_type) const {
    keystore::KeyUri::Attributes path{{"token", token_label}};
    if (!label.empty()) path.emplace_back("object", label);
    if (!key_id.empty()) path.emplace_back("id", std::string(key_id.begin(), key_id.end()));
    path.emplace_back("type", std::string(key_type));
    keystore::KeyUri::Attributes query;
    if (module_path_given) query.emplace_back("module-path", module_path);
    if (pin_source) query.emplace_back("pin-source", *pin_source);
    return keystore::KeyUri::with_attributes("pkcs11", std::move(path), std::move(query)).str();
}

std::string default_module_path() {
    return HWACME_P11_KIT_PROXY;
}

std::string hex(ByteView bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (auto b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 0x0F];
    }
    return out;
}

namespace {

// Far above any token's ulMaxPinLen, far below what could hurt.
constexpr std::size_t kMaxPinFileBytes = 1024;

std::unique_ptr<Pin> read_pin_file(const std::filesystem::path& path) {
    return std::make_unique<Pin>(read_secret_file(path, kMaxPinFileBytes, "the PIN"));
}

}  // namespace

std::unique_ptr<Pin> read_pin(const Pkcs11Uri& uri) {
    if (uri.pin_source) return read_pin_file(*secret_source_file(*uri.pin_source));
    // A file named by the environment suits systemd credentials (LoadCredential= and
    // HWACME_PKCS11_PIN_FILE=%d/NAME): the PIN never sits in the unit or the config.
    if (const char* file = std::getenv("HWACME_PKCS11_PIN_FILE"); file && *file)
        return read_pin_file(file);
    if (const char* env = std::getenv("HWACME_PKCS11_PIN"))
        return std::make_unique<Pin>(Secret::copy_of(env));
    return nullptr;
}

}  // namespace hwacme::pkcs11
