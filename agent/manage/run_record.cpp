#include "agent/manage/run_record.h"

#include <boost/json.hpp>

#include "agent/manage/certificate_state.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace hwacme::manage {
namespace {

namespace json = boost::json;

std::filesystem::path record_path(const std::filesystem::path& state_dir) {
    return state_dir / "last-run.json";
}

std::int64_t unix_seconds(TimePoint time) {
    return time.time_since_epoch().count();
}

TimePoint time_of(const json::value& value) {
    return TimePoint(std::chrono::seconds(value.as_int64()));
}

json::object to_json(const RunRecord& record) {
    json::object attempts;
    for (const auto& [name, attempt] : record.attempts)
        attempts[name] = {{"at", unix_seconds(attempt.at)}, {"succeeded", attempt.succeeded}};
    return {{"finished", unix_seconds(record.finished)},
            {"renewed", record.renewed},
            {"failed", record.failed},
            {"attempts", attempts}};
}

/// boost::json's accessors throw on a missing member or a wrong type; the caller names the file.
RunRecord from_json(const json::value& value) {
    const auto& obj = value.as_object();
    RunRecord record{.finished = time_of(obj.at("finished")),
                     .renewed = json::value_to<unsigned>(obj.at("renewed")),
                     .failed = json::value_to<unsigned>(obj.at("failed")),
                     .attempts = {}};
    for (const auto& [name, attempt] : obj.at("attempts").as_object())
        record.attempts[name] = {time_of(attempt.at("at")), attempt.at("succeeded").as_bool()};
    return record;
}

bool renewed_in(const std::filesystem::path& state_dir, const std::string& name,
                const RunTally& tally) {
    auto state = load_certificate_state(state_dir, name);
    return state.current && state.current->serial_hex != tally.serial_before(name);
}

}  // namespace

RunTally::RunTally(const std::filesystem::path& state_dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(state_dir / "certificates", ec)) {
        auto name = entry.path().filename().string();
        // A state that cannot be read fails that certificate's renewal, which says why.
        try {
            auto state = load_certificate_state(state_dir, name);
            if (state.current) serials_before_[name] = state.current->serial_hex;
        } catch (const Error&) {
        }
    }
}

std::string RunTally::serial_before(const std::string& name) const {
    auto found = serials_before_.find(name);
    return found == serials_before_.end() ? std::string() : found->second;
}

std::optional<RunRecord> load_run_record(const std::filesystem::path& state_dir) {
    auto path = record_path(state_dir);
    auto text = read_file_if_exists(path);
    if (!text) return std::nullopt;
    try {
        return from_json(json::parse(*text));
    } catch (const std::exception& e) {
        throw Error(Errc::Io, path.string() + " is corrupt (" + e.what() +
                                  "); delete it and the next renew run writes it anew");
    }
}

RunRecord record_run(const std::filesystem::path& state_dir, const RunTally& tally,
                     TimePoint finished) {
    RunRecord record = load_run_record(state_dir).value_or(RunRecord{});
    record.finished = finished;
    record.renewed = 0;
    record.failed = 0;
    for (const auto& [name, succeeded] : tally.outcomes()) {
        record.attempts[name] = {finished, succeeded};
        if (!succeeded)
            ++record.failed;
        else if (renewed_in(state_dir, name, tally))
            ++record.renewed;
    }
    write_file_atomic(record_path(state_dir), json::serialize(to_json(record)), 0600);
    return record;
}

}  // namespace hwacme::manage
