#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "agent/cli/command.h"
#include "agent/config/config.h"
#include "agent/manage/certificate_state.h"
#include "agent/manage/renewal_schedule.h"
#include "agent/service/key_inventory.h"
#include "agent/service/managed_status.h"
#include "common/error.h"
#include "common/log.h"
#include "common/rfc3339.h"

namespace hwacme::cli {
namespace {

namespace json = boost::json;

constexpr std::size_t kShownHistory = 5;

struct StatusArgs {
    std::vector<std::string> names;
    bool json = false;
};

using service::CertificateView;

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string joined;
    for (const auto& item : items) joined += (joined.empty() ? "" : separator) + item;
    return joined;
}

json::value time_or_null(const std::optional<TimePoint>& time) {
    if (!time) return nullptr;
    return json::string(format_rfc3339(*time));
}

std::string time_or_dash(const std::optional<TimePoint>& time) {
    return time ? format_rfc3339(*time) : "-";
}

std::optional<TimePoint> not_after(const CertificateView& view) {
    if (!view.state.current) return std::nullopt;
    return view.state.current->not_after;
}

const char* policy_name(config::KeyPolicy policy) {
    return policy == config::KeyPolicy::Rotate ? "rotate" : "reuse";
}

/// The key a certificate's next renewal uses or its current certificate certifies.
std::string key_uri(const CertificateView& view) {
    if (view.state.current) return view.state.current->key_uri;
    if (view.state.pending) return view.state.pending->key_uri;
    return "-";
}

json::object summary_json(const CertificateView& view) {
    const auto& cert = view.config;
    return {{"name", cert.name},
            {"identifiers", json::array(cert.identifiers.begin(), cert.identifiers.end())},
            {"not_after", time_or_null(not_after(view))},
            {"renew_at", time_or_null(view.decision.renew_at)},
            {"due", view.decision.due},
            {"reason", view.decision.reason},
            {"key_uri",
             view.state.current ? json::value(view.state.current->key_uri) : json::value(nullptr)},
            {"key_policy", policy_name(cert.key_policy)}};
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i)
            line += i + 1 == row.size() ? row[i]
                                        : row[i] + std::string(widths[i] - row[i].size() + 2, ' ');
        std::cout << line << "\n";
    }
}

void run_list(const service::RunOptions& command_line, const StatusArgs& args) {
    auto views = service::managed_status(command_line, args.names).certificates;
    if (args.json) {
        json::array certificates;
        for (const auto& view : views) certificates.push_back(summary_json(view));
        std::cout << json::serialize(json::object{{"certificates", certificates}}) << "\n";
        return;
    }
    std::vector<std::vector<std::string>> rows{
        {"NAME", "IDENTIFIERS", "NOT AFTER", "NEXT RENEWAL", "REASON", "KEY"}};
    for (const auto& view : views)
        rows.push_back({view.config.name, join(view.config.identifiers, ","),
                        time_or_dash(not_after(view)),
                        view.decision.due ? "now" : time_or_dash(view.decision.renew_at),
                        view.decision.reason, key_uri(view)});
    print_table(rows);
}

json::object status_json(const CertificateView& view, const service::RunOptions& options) {
    const auto& state = view.state;
    json::object out = summary_json(view);
    if (state.current) {
        const auto& current = *state.current;
        json::object custody;
        for (const auto& [name, value] : service::custody_facts(options, current.key_uri))
            custody[name] = value;
        out["current"] = {{"serial", current.serial_hex},
                          {"key_uri", current.key_uri},
                          {"key_generation", current.key_generation},
                          {"not_before", format_rfc3339(current.not_before)},
                          {"not_after", format_rfc3339(current.not_after)},
                          {"ari_id", current.ari_id},
                          {"release_dir", current.release_dir.string()},
                          {"custody", custody}};
    } else {
        out["current"] = nullptr;
    }
    if (state.pending)
        out["pending"] = {
            {"key_uri", state.pending->key_uri},
            {"key_generation", state.pending->key_generation},
            {"order_url", state.pending->order_url ? json::value(*state.pending->order_url)
                                                   : json::value(nullptr)},
            {"started", format_rfc3339(state.pending->started)}};
    else
        out["pending"] = nullptr;
    json::array retired;
    for (const auto& key : state.retired_keys)
        retired.push_back({{"key_uri", key.key_uri},
                           {"serial", key.serial_hex},
                           {"release_dir", key.release_dir.string()},
                           {"destroy_after", format_rfc3339(key.destroy_after)}});
    out["retired_keys"] = retired;
    out["last_key_generation"] = state.last_key_generation;
    out["deploy_pending"] = state.deploy_pending;
    out["last_error"] = state.last_error;
    json::array history;
    for (const auto& entry : state.history)
        history.push_back({{"at", format_rfc3339(entry.at)},
                           {"serial", entry.serial_hex},
                           {"key_uri", entry.key_uri},
                           {"not_after", format_rfc3339(entry.not_after)}});
    out["history"] = history;
    return out;
}

void print_status(const CertificateView& view, const service::RunOptions& options) {
    const auto& cert = view.config;
    const auto& state = view.state;
    std::cout << cert.name << "\n"
              << "  names:          " << join(cert.identifiers, ", ") << "\n";
    if (state.current) {
        const auto& current = *state.current;
        std::cout << "  serial:         " << current.serial_hex << "\n"
                  << "  valid:          " << format_rfc3339(current.not_before) << " to "
                  << format_rfc3339(current.not_after) << "\n"
                  << "  key:            " << current.key_uri << " (policy "
                  << policy_name(cert.key_policy) << ", generation " << current.key_generation
                  << ")\n";
        for (const auto& [name, value] : service::custody_facts(options, current.key_uri))
            std::cout << "    " << name << ": " << log::printable(value) << "\n";
        std::cout << "  release:        " << current.release_dir.string() << "\n";
    } else {
        std::cout << "  certificate:    none yet\n";
    }
    std::cout << "  next renewal:   "
              << (view.decision.due ? "now" : time_or_dash(view.decision.renew_at)) << " ("
              << view.decision.reason << ")\n";
    if (state.pending)
        std::cout << "  pending:        key " << state.pending->key_uri << " since "
                  << format_rfc3339(state.pending->started) << ", order "
                  << state.pending->order_url.value_or("not yet made") << "\n";
    for (const auto& key : state.retired_keys)
        std::cout << "  retired key:    " << key.key_uri << " (serial " << key.serial_hex
                  << "), destroyed after " << format_rfc3339(key.destroy_after) << "\n";
    std::cout << "  deploy pending: " << (state.deploy_pending ? "yes" : "no") << "\n";
    if (!state.last_error.empty())
        std::cout << "  last error:     " << log::printable(state.last_error) << "\n";
    auto shown = std::min(state.history.size(), kShownHistory);
    for (auto it = state.history.end() - static_cast<std::ptrdiff_t>(shown);
         it != state.history.end(); ++it)
        std::cout << "  issued:         " << format_rfc3339(it->at) << " serial " << it->serial_hex
                  << ", not after " << format_rfc3339(it->not_after) << ", key " << it->key_uri
                  << "\n";
}

void run_status(const service::RunOptions& command_line, const StatusArgs& args) {
    auto [options, views] = service::managed_status(command_line, args.names);
    if (args.json) {
        json::array certificates;
        for (const auto& view : views) certificates.push_back(status_json(view, options));
        std::cout << json::serialize(json::object{{"certificates", certificates}}) << "\n";
        return;
    }
    for (std::size_t i = 0; i < views.size(); ++i) {
        if (i) std::cout << "\n";
        print_status(views[i], options);
    }
}

}  // namespace

void add_status_commands(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto list_args = std::make_shared<StatusArgs>();
    auto* list = app.add_subcommand(
        "list", "list the managed certificates: names, not-after, next renewal and why, key");
    list->add_option("--cert", list_args->names, "only this certificate (repeatable)");
    list->add_flag("--json", list_args->json, "print one JSON object on stdout");
    commands.push_back({list, [&global, list_args] { run_list(global, *list_args); }});

    auto status_args = std::make_shared<StatusArgs>();
    auto* status = app.add_subcommand(
        "status",
        "show each managed certificate in full: validity, next renewal, key custody facts, "
        "pending renewal, retired keys, deploy state, last error, history");
    status->add_option("--cert", status_args->names, "only this certificate (repeatable)");
    status->add_flag("--json", status_args->json, "print one JSON object on stdout");
    commands.push_back({status, [&global, status_args] { run_status(global, *status_args); }});
}

}  // namespace hwacme::cli
