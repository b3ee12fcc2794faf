#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/http/http01_responder.h"

namespace hwacme::http {

/// The built-in http-01 server (Boost.Beast): GET /.well-known/acme-challenge/<token> answers
/// 200 text/plain with the key authorization, anything else 404. One I/O thread serves many
/// connections asynchronously (Pebble validates three times at once). Each connection is closed
/// kExchangeDeadline after it was accepted, and at most connection_capacity() are open: a new
/// one closes the oldest (connection_budget.h). Binds in the constructor, stops and joins in the
/// destructor. provision/remove are thread-safe.
class StandaloneHttp01Server final : public Http01Responder {
public:
    /// `bind_addresses`: IPv4 or IPv6 literals ("0.0.0.0", "::", "127.0.0.1"), or none for
    /// every address of both families (listen.h); port 0 lets the kernel choose (see port()).
    /// Errors: Error{InvalidArgument} for an address that is not an IP literal,
    /// Error{Network} "cannot listen on ADDR:PORT: address already in use" and the like.
    StandaloneHttp01Server(const std::vector<std::string>& bind_addresses, std::uint16_t port);
    ~StandaloneHttp01Server() override;
    StandaloneHttp01Server(const StandaloneHttp01Server&) = delete;
    StandaloneHttp01Server& operator=(const StandaloneHttp01Server&) = delete;

    /// The port actually bound: the one asked for, or the kernel's choice for port 0.
    std::uint16_t port() const;

    void provision(const std::string& token, const std::string& key_authorization) override;
    void remove(const std::string& token) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hwacme::http
