#include "agent/sandbox/landlock.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <map>

#include "common/error.h"
#include "common/fd.h"

namespace hwacme::sandbox {
namespace {

// Debian 12's kernel headers (linux-libc-dev 6.1) stop at ABI 2, while the kernel running hwacme
// may be newer. These are kernel ABI (include/uapi/linux/landlock.h), fixed once released.
constexpr std::uint64_t kAccessFsTruncate = 1ULL << 14;        // ABI 3
constexpr std::uint64_t kAccessNetBindTcp = 1ULL << 0;         // ABI 4
constexpr std::uint64_t kAccessNetConnectTcp = 1ULL << 1;      // ABI 4
constexpr int kRuleNetPort = 2;                                // ABI 4
constexpr std::uint64_t kAccessFsIoctlDev = 1ULL << 15;        // ABI 5
constexpr std::uint64_t kScopeAbstractUnixSocket = 1ULL << 0;  // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;              // ABI 6

// struct landlock_ruleset_attr as of ABI 6. An older kernel is given only the prefix it knows:
// it refuses a longer struct unless the tail is zero, and a short one says what we handle.
struct RulesetAttr {
    std::uint64_t handled_access_fs = 0;
    std::uint64_t handled_access_net = 0;  // ABI 4
    std::uint64_t scoped = 0;              // ABI 6
};

struct NetPortAttr {
    std::uint64_t allowed_access = 0;
    std::uint64_t port = 0;
};

constexpr std::uint64_t kFsAbi1 =
    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
    LANDLOCK_ACCESS_FS_MAKE_SYM;

// The only rights a rule on a file (not a folder) may carry; any other is EINVAL.
constexpr std::uint64_t kFileRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                      LANDLOCK_ACCESS_FS_READ_FILE | kAccessFsTruncate |
                                      kAccessFsIoctlDev;

constexpr std::uint64_t kReadRights = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;

// Atomic writes create a temp file, rename it over the old one and may create the folder; a
// release's "current" link is a symlink renamed into place (manage/release.cpp); REFER lets a
// rename cross from one granted folder to another (state to output).
constexpr std::uint64_t kWriteRights =
    kReadRights | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
    LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER | kAccessFsTruncate;

// Every right the running ABI knows is handled, so each is denied unless a rule grants it.
// EXECUTE, device ioctls and making devices, sockets and FIFOs are granted nowhere.
std::uint64_t handled_fs_rights(int abi) {
    std::uint64_t rights = kFsAbi1;
    if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3) rights |= kAccessFsTruncate;
    if (abi >= 5) rights |= kAccessFsIoctlDev;
    return rights;
}

std::size_t ruleset_attr_size(int abi) {
    if (abi >= 6) return sizeof(RulesetAttr);
    if (abi >= 4) return offsetof(RulesetAttr, scoped);
    return offsetof(RulesetAttr, handled_access_net);
}

std::string errno_text(int error) {
    return std::strerror(error);
}

[[noreturn]] void fail(const std::string& call, int error) {
    throw Error(Errc::Unsupported, call + ": " + errno_text(error));
}

// glibc 2.36 has no wrappers for the Landlock calls.
long create_ruleset(const RulesetAttr* attr, std::size_t size, std::uint32_t flags) {
    return ::syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

void add_rule(const Fd& ruleset, int type, const void* attr, const std::string& what) {
    if (::syscall(SYS_landlock_add_rule, ruleset.get(), type, attr, 0) != 0) {
        fail("landlock_add_rule(" + what + ")", errno);
    }
}

void grant_path(const Fd& ruleset, const std::filesystem::path& path, std::uint64_t rights,
                std::vector<SkippedPath>& skipped) {
    Fd fd(::open(path.c_str(), O_PATH | O_CLOEXEC));
    if (fd.get() < 0) {
        int error = errno;
        skipped.push_back({path, error == ENOENT ? "does not exist" : errno_text(error)});
        return;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail("fstat(" + path.string() + ")", errno);
    if (!S_ISDIR(st.st_mode)) rights &= kFileRights;
    landlock_path_beneath_attr attr{};
    attr.allowed_access = rights;
    attr.parent_fd = fd.get();
    add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, path.string());
}

void grant_ports(const Fd& ruleset, const std::vector<std::uint16_t>& connect_ports,
                 const std::vector<std::uint16_t>& bind_ports) {
    std::map<std::uint16_t, std::uint64_t> rights;
    for (auto port : connect_ports) rights[port] |= kAccessNetConnectTcp;
    for (auto port : bind_ports) rights[port] |= kAccessNetBindTcp;
    for (const auto& [port, allowed] : rights) {
        NetPortAttr attr;
        attr.allowed_access = allowed;
        attr.port = port;
        add_rule(ruleset, kRuleNetPort, &attr, "port " + std::to_string(port));
    }
}

}  // namespace

int landlock_abi() {
    long version = create_ruleset(nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return version < 0 ? 0 : static_cast<int>(version);
}

LandlockOutcome apply_landlock(const LandlockRules& rules) {
    LandlockOutcome outcome;
    outcome.abi = landlock_abi();
    if (outcome.abi == 0) {
        int error = errno;
        outcome.unavailable_reason = error == ENOSYS       ? "kernel too old (needs Linux 5.13)"
                                     : error == EOPNOTSUPP ? "disabled at boot (not in lsm=)"
                                                           : errno_text(error);
        return outcome;
    }
    if (rules.abi_limit > 0) outcome.abi = std::min(outcome.abi, rules.abi_limit);

    RulesetAttr attr;
    attr.handled_access_fs = handled_fs_rights(outcome.abi);
    if (outcome.abi >= 4) attr.handled_access_net = kAccessNetBindTcp | kAccessNetConnectTcp;
    if (outcome.abi >= 6) attr.scoped = kScopeAbstractUnixSocket | kScopeSignal;
    try {
        Fd ruleset(static_cast<int>(create_ruleset(&attr, ruleset_attr_size(outcome.abi), 0)));
        if (ruleset.get() < 0) fail("landlock_create_ruleset", errno);
        for (const auto& path : rules.read_only) {
            grant_path(ruleset, path, kReadRights & attr.handled_access_fs, outcome.skipped);
        }
        for (const auto& path : rules.read_write) {
            grant_path(ruleset, path, kWriteRights & attr.handled_access_fs, outcome.skipped);
        }
        if (outcome.abi >= 4) grant_ports(ruleset, rules.connect_ports, rules.bind_ports);
        if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) {
            fail("landlock_restrict_self", errno);
        }
    } catch (const Error& e) {
        outcome.unavailable_reason = e.what();
        return outcome;
    }
    outcome.enforced = true;
    outcome.ports_enforced = outcome.abi >= 4;
    outcome.scoped = outcome.abi >= 6;
    return outcome;
}

}  // namespace hwacme::sandbox
