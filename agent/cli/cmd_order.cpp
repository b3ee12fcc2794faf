#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/acme/order.h"
#include "agent/cli/command.h"
#include "agent/service/order_state.h"
#include "agent/service/order_upkeep.h"
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

/// --account-key when given; else the account the state folder remembers for the CA.
std::optional<std::string> account_key(const OrderArgs& args) {
    if (args.account_key.empty()) return std::nullopt;
    return args.account_key;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string joined;
    for (const auto& item : items) joined += (joined.empty() ? "" : std::string(separator)) + item;
    return joined;
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
        std::cout << "authorization: " << service::describe_identifier(authz) << " "
                  << log::printable(authz.status) << " " << authz.url << "\n";
    if (order.certificate) std::cout << "certificate: " << *order.certificate << "\n";
    if (order.error) std::cout << "error: " << order.error->describe() << "\n";
}

void run_show(const service::RunOptions& global, const OrderArgs& args) {
    auto view = service::show_order(global, account_key(args), args.order_url);
    print_order(view.order, view.authorizations, args.json);
}

void run_cancel(const service::RunOptions& global, const OrderArgs& args) {
    service::cancel_orders(global,
                           {.order_url = args.order_url,
                            .names = args.names,
                            .all = args.all,
                            .account_key = account_key(args)},
                           [](const std::string& line) { std::cout << line << "\n"; });
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
