#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/acme/order.h"
#include "agent/cli/command.h"
#include "agent/service/acme_context.h"
#include "agent/service/order_state.h"
#include "common/error.h"
#include "common/log.h"
#include "common/rfc3339.h"

namespace hwacme::cli {
namespace {

struct OrderArgs {
    std::string order_url;
    std::vector<std::string> names;
    bool all = false;
    bool json = false;
    std::string account_key;
};

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string joined;
    for (const auto& item : items) joined += (joined.empty() ? "" : std::string(separator)) + item;
    return joined;
}

/// "dns:*.example.com" for a wildcard authorization: what the operator asked for.
std::string describe(const acme::Authorization& authz) {
    return log::printable(authz.identifier.type + ":" + (authz.wildcard ? "*." : "") +
                          authz.identifier.value);
}

/// --account-key when given; else the account the state folder remembers for the CA.
service::AccountRequest account_request(const OrderArgs& args) {
    service::AccountRequest request;
    if (!args.account_key.empty()) request.account_key_uri = args.account_key;
    return request;
}

/// A signed-in session with the account of the CA of --server, as every command finds it.
struct SignedIn {
    SignedIn(const service::RunOptions& global, const OrderArgs& args)
        : context(global),
          account(service::resolve_account(context, account_request(args))),
          session(context.acme, *account.signer, account.state.account_url) {}
    SignedIn(const SignedIn&) = delete;
    SignedIn& operator=(const SignedIn&) = delete;

    service::AcmeContext context;
    service::ActiveAccount account;
    acme::AccountSession session;
};

/// The order as the CA has it; Error{NotFound} naming the URL when the CA does not know it
/// (RFC 8555 answers such a POST-as-GET with an error: 404 or unauthorized).
acme::Order fetch_known_order(acme::AccountSession& session, const std::string& url) {
    try {
        return acme::fetch_order(session, url);
    } catch (const Error& e) {
        if (e.code() != Errc::Protocol) throw;
        std::string why = e.what();
        while (!why.empty() && why.back() == ' ') why.pop_back();
        throw Error(Errc::NotFound, "the CA at " + session.acme().directory_url() +
                                        " does not know order " + url + ": " + why);
    }
}

void print_saved_orders(const std::vector<service::SavedOrder>& orders, bool json) {
    if (json) {
        boost::json::array list;
        for (const auto& order : orders)
            list.push_back({{"order_url", order.order_url},
                            {"names", boost::json::array(order.names.begin(), order.names.end())},
                            {"key", order.key_uri},
                            {"directory", order.directory_url},
                            {"saved", format_rfc3339(order.saved_at)}});
        std::cout << boost::json::serialize(boost::json::object{{"orders", std::move(list)}})
                  << "\n";
        return;
    }
    for (const auto& order : orders)
        std::cout << "order: " << order.order_url << "\n"
                  << "names: " << join(order.names, " ") << "\n"
                  << "key:   " << order.key_uri << "\n"
                  << "CA:    " << order.directory_url << "\n"
                  << "saved: " << format_rfc3339(order.saved_at) << "\n\n";
}

void run_list(const service::RunOptions& global, const OrderArgs& args) {
    auto orders = service::list_saved_orders(global.state_path());
    if (orders.empty() && !args.json) {
        std::cout << "no order in flight in " << global.state_path().string() << "\n";
        return;
    }
    print_saved_orders(orders, args.json);
}

void print_order(const acme::Order& order, const std::vector<acme::Authorization>& authzs,
                 bool json) {
    if (json) {
        boost::json::array authorizations;
        for (const auto& authz : authzs)
            authorizations.push_back(
                {{"url", authz.url},
                 {"identifier",
                  {{"type", authz.identifier.type}, {"value", authz.identifier.value}}},
                 {"wildcard", authz.wildcard},
                 {"status", authz.status}});
        boost::json::object out{{"order_url", order.url},
                                {"status", order.status},
                                {"authorizations", std::move(authorizations)}};
        if (order.certificate) out["certificate"] = *order.certificate;
        if (order.error) out["error"] = order.error->describe();
        std::cout << boost::json::serialize(out) << "\n";
        return;
    }
    std::cout << "order: " << order.url << "\n"
              << "status: " << log::printable(order.status) << "\n";
    for (const auto& authz : authzs)
        std::cout << "authorization: " << describe(authz) << " " << log::printable(authz.status)
                  << " " << authz.url << "\n";
    if (order.certificate) std::cout << "certificate: " << *order.certificate << "\n";
    if (order.error) std::cout << "error: " << order.error->describe() << "\n";
}

void run_show(const service::RunOptions& global, const OrderArgs& args) {
    SignedIn signed_in(global, args);
    auto order = fetch_known_order(signed_in.session, args.order_url);
    std::vector<acme::Authorization> authzs;
    for (const auto& url : order.authorizations)
        authzs.push_back(acme::fetch_authorization(signed_in.session, url));
    print_order(order, authzs, args.json);
}

/// The orders a cancel names: --order URL as given; -d NAMES or --all from the saved records of
/// this CA.
std::vector<service::SavedOrder> orders_to_cancel(const service::RunOptions& global,
                                                  const OrderArgs& args) {
    if (!args.order_url.empty()) {
        for (auto& saved : service::list_saved_orders(global.state_path()))
            if (saved.directory_url == global.server && saved.order_url == args.order_url)
                return {saved};
        return {service::SavedOrder{global.server, {}, {}, args.order_url, {}}};
    }
    std::vector<service::SavedOrder> chosen;
    for (auto& saved : service::list_saved_orders(global.state_path()))
        if (saved.directory_url == global.server &&
            (args.all || saved.names == service::name_set(args.names)))
            chosen.push_back(std::move(saved));
    if (!args.all && chosen.empty())
        throw Error(Errc::NotFound, "no saved order for " +
                                        join(service::name_set(args.names), " ") + " at " +
                                        global.server + ": see 'hwacme order list'");
    if (!args.all && chosen.size() > 1)
        throw Error(Errc::InvalidArgument,
                    std::to_string(chosen.size()) + " saved orders name " +
                        join(service::name_set(args.names), " ") +
                        " (one per key): pick one with --order URL, see 'hwacme order list'");
    return chosen;
}

/// Deactivates every authorization of the order that still counts (RFC 8555 §7.5.2): a pending
/// one can no longer be validated, a valid one no longer lets the account issue for its name.
void deactivate_authorizations(acme::AccountSession& session, const acme::Order& order) {
    std::size_t deactivated = 0;
    for (const auto& url : order.authorizations) {
        auto authz = acme::fetch_authorization(session, url);
        if (authz.status != "pending" && authz.status != "valid") {
            log::info(describe(authz) + " is " + log::printable(authz.status) + "; left as it is");
            continue;
        }
        auto after = acme::deactivate_authorization(session, url);
        if (after.status != "deactivated")
            throw Error(Errc::Protocol, "the CA left the authorization " + url + " of " +
                                            describe(authz) + " " + log::printable(after.status));
        std::cout << "deactivated " << describe(authz) << " (" << url << ")\n";
        ++deactivated;
    }
    std::cout << "order " << order.url << ": " << deactivated << " of "
              << order.authorizations.size() << " authorizations deactivated\n";
}

void run_cancel(const service::RunOptions& global, const OrderArgs& args) {
    auto orders = orders_to_cancel(global, args);
    if (orders.empty()) {
        std::cout << "no saved order at " << global.server << "\n";
        return;
    }
    SignedIn signed_in(global, args);
    auto state_dir = global.state_path();
    for (const auto& saved : orders) {
        bool is_saved = !saved.names.empty();
        std::optional<acme::Order> order;
        try {
            order = fetch_known_order(signed_in.session, saved.order_url);
        } catch (const Error& e) {
            if (e.code() != Errc::NotFound) throw;
            // The CA forgot the order (it expired, or a test CA restarted): its record is of no
            // use. An order the operator named is still an error; one of --all or -d is not.
            if (is_saved) {
                service::remove_saved_order(state_dir, saved);
                std::cout << "forgot order " << saved.order_url << ": the CA no longer knows it\n";
            }
            if (!args.order_url.empty()) throw;
            continue;
        }
        deactivate_authorizations(signed_in.session, *order);
        if (is_saved) {
            service::remove_saved_order(state_dir, saved);
            std::cout << "forgot the saved order for " << join(saved.names, " ") << "\n";
        }
    }
}

CLI::App* add_verb(CLI::App& order, Commands& commands, const service::RunOptions& global,
                   const std::string& name, const std::string& help,
                   void (*run)(const service::RunOptions&, const OrderArgs&),
                   const std::shared_ptr<OrderArgs>& args) {
    auto* verb = order.add_subcommand(name, help);
    commands.push_back({verb, [&global, args, run] { run(global, *args); }});
    return verb;
}

}  // namespace

void add_order_commands(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto* order = app.add_subcommand(
        "order", "orders 'hwacme issue' left unfinished: list them, show one, cancel them");
    order->require_subcommand(1);
    const std::string account_key_help = "account key URI, when the state folder has none";

    auto list_args = std::make_shared<OrderArgs>();
    auto* list =
        add_verb(*order, commands, global, "list",
                 "the orders in flight saved in the state folder (every CA)", run_list, list_args);
    list->add_flag("--json", list_args->json, "one JSON object on stdout");

    auto show_args = std::make_shared<OrderArgs>();
    auto* show = add_verb(*order, commands, global, "show",
                          "the status of an order and of each of its authorizations, from the CA",
                          run_show, show_args);
    show->add_option("--order", show_args->order_url, "the order URL")->required();
    show->add_option("--account-key", show_args->account_key, account_key_help);
    show->add_flag("--json", show_args->json, "one JSON object on stdout");

    auto cancel_args = std::make_shared<OrderArgs>();
    auto* cancel = add_verb(*order, commands, global, "cancel",
                            "deactivate the pending and valid authorizations of an abandoned "
                            "order (RFC 8555 §7.5.2) and forget its saved record",
                            run_cancel, cancel_args);
    auto* which = cancel->add_option_group("which order", "the order or orders to cancel");
    which->add_option("--order", cancel_args->order_url, "the order URL");
    which->add_option("-d,--domain", cancel_args->names,
                      "the names of a saved order of this CA (repeatable)");
    which->add_flag("--all", cancel_args->all, "every saved order of this CA");
    which->require_option(1);
    cancel->add_option("--account-key", cancel_args->account_key, account_key_help);
}

}  // namespace hwacme::cli
