#pragma once

#include "agent/acme/dns01_solver.h"
#include "agent/custody/custody_client.h"

namespace hwacme::custody {

/// The dns-01 hook as the network process runs it: custody starts it, after checking the
/// record is one of the run's (the network process may start no program), for at most the
/// time left to the deadline.
class RemoteDnsHook final : public acme::DnsHookRunner {
public:
    RemoteDnsHook(const CustodyClient& client, std::string program)
        : client_(client), program_(std::move(program)) {}

    ChildOutcome run(const std::string& action, const std::string& record, const std::string& value,
                     std::optional<std::chrono::steady_clock::time_point> deadline) override;
    const std::string& program() const override { return program_; }

private:
    const CustodyClient& client_;
    std::string program_;
};

}  // namespace hwacme::custody
