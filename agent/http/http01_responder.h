#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hwacme::http {

/// Serves http-01 key authorizations (RFC 8555 §8.3) at
/// /.well-known/acme-challenge/<token> while a challenge is being validated.
class Http01Responder {
public:
    virtual ~Http01Responder() = default;
    virtual void provision(const std::string& token, const std::string& key_authorization) = 0;
    virtual void remove(const std::string& token) = 0;
};

/// A built-in HTTP server (Boost.Beast) on its own thread, serving concurrent requests — Pebble
/// and Let's Encrypt validate from several places at once — within the bounds of
/// connection_budget.h. Binds in the constructor:
/// Error{Network} "cannot listen on ADDR:PORT: address in use" etc. Stops and joins in the
/// destructor. Unknown paths get 404. Thread-safe provision/remove. No `bind_addresses`: every
/// address of both families (listen.h).
std::unique_ptr<Http01Responder> make_standalone_http01(
    const std::vector<std::string>& bind_addresses, std::uint16_t port);

/// Writes <webroot>/.well-known/acme-challenge/<token> (mode 0644, folders created as needed,
/// mode 0755) for a web server that already serves the webroot; remove() deletes the file. Opens
/// the challenge folder here, following only the links challenge_folder.h allows: Error{NotFound}
/// for a missing webroot, Error{Io} naming the path and why for a folder it will not use.
std::unique_ptr<Http01Responder> make_webroot_http01(const std::filesystem::path& webroot);

}  // namespace hwacme::http
