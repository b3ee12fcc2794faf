#include "tests/sandbox/sandboxed_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "agent/sandbox/sandbox.h"
#include "common/error.h"
#include "common/fd.h"

namespace hwacme::test {
namespace {

// Far beyond what any case needs; only a hung child ever meets it.
constexpr unsigned kChildWatchdogSeconds = 120;

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

[[noreturn]] void run_child(int fd, const std::function<void(ChildReport&)>& body) {
    ::alarm(kChildWatchdogSeconds);
    // A child the filter kills on purpose (SIGSYS dumps core) must not litter the build tree.
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ChildReport report(fd);
    try {
        body(report);
    } catch (const std::exception& e) {
        report.put("exception", e.what());
    }
    ::_exit(0);
}

std::map<std::string, std::string> parse_facts(const std::string& text) {
    std::map<std::string, std::string> facts;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        auto line = text.substr(start, end - start);
        auto equals = line.find('=');
        if (equals != std::string::npos) facts[line.substr(0, equals)] = line.substr(equals + 1);
        start = end + 1;
    }
    return facts;
}

}  // namespace

void ChildReport::put(std::string_view key, std::string_view value) {
    std::string line(key);
    line += '=';
    for (char c : value) line += c == '\n' ? ' ' : c;
    line += '\n';
    write_all(fd_, line);
}

std::string ChildOutcome::fact(const std::string& key) const {
    auto found = facts.find(key);
    return found == facts.end() ? "<not reported>" : found->second;
}

bool ChildOutcome::exited_cleanly() const {
    return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

bool ChildOutcome::killed_by(int signal) const {
    return WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == signal;
}

std::string ChildOutcome::describe() const {
    std::string text = "wait status " + std::to_string(wait_status);
    for (const auto& [key, value] : facts) text += "\n" + key + ": " + value;
    return text;
}

ChildOutcome run_in_child(const std::function<void(ChildReport&)>& body) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw Error(Errc::Io, "pipe2 failed");
    Fd read_end(ends[0]);
    Fd write_end(ends[1]);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(Errc::Io, "fork failed");
    if (pid == 0) {
        read_end = Fd(-1);
        run_child(write_end.get(), body);
    }
    write_end = Fd(-1);

    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t got = ::read(read_end.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        text.append(buffer, static_cast<std::size_t>(got));
    }
    ChildOutcome outcome;
    while (::waitpid(pid, &outcome.wait_status, 0) < 0) {
        if (errno != EINTR) throw Error(Errc::Io, "waitpid failed");
    }
    outcome.facts = parse_facts(text);
    return outcome;
}

ChildOutcome run_sandboxed(const sandbox::SandboxPolicy& policy,
                           const std::function<void(ChildReport&)>& body) {
    return run_in_child([&](ChildReport& report) {
        try {
            report.put("sandbox", sandbox::apply_sandbox(policy).describe());
        } catch (const std::exception& e) {
            report.put("sandbox-error", e.what());
            return;
        }
        body(report);
    });
}

std::string errno_name(int error) {
    const char* name = ::strerrorname_np(error);
    return name ? name : std::to_string(error);
}

std::string outcome_of(int result) {
    return result >= 0 ? "ok" : errno_name(errno);
}

}  // namespace hwacme::test
