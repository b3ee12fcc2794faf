#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "agent/config/config.h"
#include "agent/config/object_reader.h"

/// The readers of the configuration's sections, one per file; config.cpp puts them together
/// and holds the schema.
namespace hwacme::config {

/// The "ca" object.
CaConfig read_ca(const ObjectReader& ca);

/// One element of "certificates", at `path` ("certificates[2]").
CertificateConfig read_certificate(const ConfigSource& source, const boost::json::value& value,
                                   std::string path);

/// A certificate's "challenge" object.
ChallengeConfig read_challenge(const ObjectReader& challenge);

/// Parses a key URI field as the keystore will, without opening anything. `template_allowed`:
/// the URI may hold "{generation}", which is checked as generation 1.
void check_key_uri(const ObjectReader& object, std::string_view field, const std::string& uri,
                   bool template_allowed);

}  // namespace hwacme::config
