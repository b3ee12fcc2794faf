#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/acme/order.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// An order as the CA has it, with each of its authorizations.
struct OrderView {
    acme::Order order;
    std::vector<acme::Authorization> authorizations;
};

/// "dns:*.example.com" for a wildcard authorization, what the operator asked for; printable.
std::string describe_identifier(const acme::Authorization& authorization);

/// Fetches the order at `url` and its authorizations, as the account of `account_key` (else
/// the one the state folder remembers for the CA). Error{NotFound} naming the URL when the CA
/// does not know the order.
OrderView show_order(const RunOptions& options, const std::optional<std::string>& account_key,
                     const std::string& url);

/// Which orders `order cancel` gives up: one URL, the saved order of a set of names, or every
/// saved order of the CA.
struct CancelRequest {
    std::string order_url;
    std::vector<std::string> names;
    bool all = false;
    std::optional<std::string> account_key;
};

/// Deactivates the pending and valid authorizations of each order (RFC 8555 §7.5.2) and forgets
/// its saved record; `report` gets a line for each step. An order the CA no longer knows is
/// forgotten too, and is an error only when the request named its URL.
void cancel_orders(const RunOptions& options, const CancelRequest& request,
                   const std::function<void(const std::string&)>& report);

}  // namespace hwacme::service
