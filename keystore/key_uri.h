#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hwacme::keystore {

/// A parsed key URI. One parser for every scheme; each backend validates its own attributes.
///
/// Two shapes:
/// - `file:/abs/path/key.pem` (also `file:///abs/path`, `file:relative/path`): `path()` holds the
///   percent-decoded file path; there are no attributes.
/// - attribute URIs, RFC 7512 style: `scheme:name=value;name=value?qname=qvalue&qname=qvalue`,
///   used by `pkcs11:` and `tpm2:`. Values are percent-decoded. A name may repeat in the query
///   only; a repeated path attribute is an error (RFC 7512 §2.3).
class KeyUri {
public:
    using Attributes = std::vector<std::pair<std::string, std::string>>;

    /// Parses `text`. Throws Error{InvalidUri} naming what is wrong: no scheme, an unknown scheme
    /// (known: file, pkcs11, tpm2), a bad percent-escape, an attribute without '=', an empty path,
    /// a repeated path attribute.
    static KeyUri parse(std::string_view text);

    const std::string& scheme() const { return scheme_; }
    /// The decoded file path for `file:` URIs; empty for attribute URIs.
    const std::string& path() const { return path_; }
    const Attributes& path_attributes() const { return path_attrs_; }
    const Attributes& query_attributes() const { return query_attrs_; }

    /// The value of a path attribute, or nullopt.
    std::optional<std::string> attribute(std::string_view name) const;
    /// The first value of a query attribute, or nullopt.
    std::optional<std::string> query(std::string_view name) const;

    /// The URI as text with values percent-encoded where needed; parse(str()) == *this.
    std::string str() const;
    /// The text as given to parse().
    const std::string& original() const { return original_; }

    bool operator==(const KeyUri& other) const {
        return scheme_ == other.scheme_ && path_ == other.path_ &&
               path_attrs_ == other.path_attrs_ && query_attrs_ == other.query_attrs_;
    }

    /// Builds a `file:` URI for a path.
    static KeyUri file(std::string path);
    /// Builds an attribute URI.
    static KeyUri with_attributes(std::string scheme, Attributes path_attrs,
                                  Attributes query_attrs = {});

private:
    std::string original_;
    std::string scheme_;
    std::string path_;
    Attributes path_attrs_;
    Attributes query_attrs_;
};

}  // namespace hwacme::keystore
