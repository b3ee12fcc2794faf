#include "agent/sandbox/seccomp_rules.h"

#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "agent/sandbox/seccomp_program.h"

namespace hwacme::sandbox {
namespace {

scmp_arg_cmp arg_equals(unsigned arg, std::uint64_t value) {
    return {arg, SCMP_CMP_EQ, value, 0};
}

scmp_arg_cmp arg_masked_equals(unsigned arg, std::uint64_t mask, std::uint64_t value) {
    return {arg, SCMP_CMP_MASKED_EQ, mask, value};
}

// pthread_create's flags, and no namespace flag: a thread, never a new process or namespace.
constexpr std::uint64_t kThreadFlags =
    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
constexpr std::uint64_t kCloneFlagsChecked = kThreadFlags | CLONE_NEWNS | CLONE_NEWCGROUP |
                                             CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                             CLONE_NEWPID | CLONE_NEWNET;

#if defined(__SANITIZE_ADDRESS__)
// Only the AddressSanitizer build (never shipped): LeakSanitizer's check at exit stops every
// thread from a tracer it clones sharing the memory, with ptrace. Without these the check would
// kill the process it checks.
constexpr bool kLeakSanitizerAtExit = true;
#else
constexpr bool kLeakSanitizerAtExit = false;
#endif
constexpr std::uint64_t kLeakTracerFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED;

}  // namespace

// The allow-list: the one place it is kept. Landlock, not this list, decides which files and
// ports these calls may reach.
std::vector<SeccompGroup> allow_list() {
    std::vector<SeccompGroup> groups{
        {"memory: malloc, thread stacks, the loader mapping NSS modules",
         {{SCMP_SYS(brk)},
          {SCMP_SYS(mmap)},
          {SCMP_SYS(munmap)},
          {SCMP_SYS(mprotect)},
          {SCMP_SYS(mremap)},
          {SCMP_SYS(madvise)}}},
        {"threads: libcurl's resolver thread and the challenge servers' I/O thread",
         {{SCMP_SYS(futex)},
          {SCMP_SYS(set_robust_list)},
          {SCMP_SYS(rseq)},
          {SCMP_SYS(set_tid_address)},
          {SCMP_SYS(gettid)},
          {SCMP_SYS(sched_yield)},
          {SCMP_SYS(sched_getaffinity)},
          // clone3 passes its flags in memory a filter cannot read: it is refused with ENOSYS
          // (see apply_seccomp) and glibc falls back to clone, whose flags are checked here.
          {SCMP_SYS(clone), {arg_masked_equals(0, kCloneFlagsChecked, kThreadFlags)}}}},
        {"signals: glibc masks them around thread start, abort() signals its own process",
         {{SCMP_SYS(rt_sigaction)},
          {SCMP_SYS(rt_sigprocmask)},
          {SCMP_SYS(rt_sigreturn)},
          {SCMP_SYS(sigaltstack)},
          {SCMP_SYS(getpid)},
          {SCMP_SYS(tgkill), {arg_equals(0, kOwnPidPlaceholder)}}}},
        {"time: timeouts, deadlines and log stamps the vDSO does not answer",
         {{SCMP_SYS(clock_gettime)},
          {SCMP_SYS(clock_getres)},
          {SCMP_SYS(gettimeofday)},
          {SCMP_SYS(clock_nanosleep)},
          {SCMP_SYS(nanosleep)}}},
        {"descriptors: reading, writing and waiting on files, sockets and Asio's reactor",
         {{SCMP_SYS(read)},           {SCMP_SYS(write)},          {SCMP_SYS(readv)},
          {SCMP_SYS(writev)},         {SCMP_SYS(pread64)},        {SCMP_SYS(pwrite64)},
          {SCMP_SYS(lseek)},          {SCMP_SYS(close)},          {SCMP_SYS(dup)},
          {SCMP_SYS(dup2)},           {SCMP_SYS(dup3)},           {SCMP_SYS(fcntl)},
          {SCMP_SYS(poll)},           {SCMP_SYS(ppoll)},          {SCMP_SYS(select)},
          {SCMP_SYS(pselect6)},       {SCMP_SYS(pipe2)},          {SCMP_SYS(eventfd2)},
          {SCMP_SYS(epoll_create1)},  {SCMP_SYS(epoll_ctl)},      {SCMP_SYS(epoll_wait)},
          {SCMP_SYS(epoll_pwait)},    {SCMP_SYS(timerfd_create)}, {SCMP_SYS(timerfd_settime)},
          {SCMP_SYS(timerfd_gettime)}}},
        {"ioctl: Asio makes sockets non-blocking and asks what is readable; isatty on stderr",
         {{SCMP_SYS(ioctl), {arg_equals(1, FIONBIO)}},
          {SCMP_SYS(ioctl), {arg_equals(1, FIONREAD)}},
          {SCMP_SYS(ioctl), {arg_equals(1, TCGETS)}}}},
        {"files: configuration and trust store reads, atomic writes of state and certificates",
         {{SCMP_SYS(openat)},     {SCMP_SYS(newfstatat)}, {SCMP_SYS(fstat)},
          {SCMP_SYS(stat)},       {SCMP_SYS(lstat)},      {SCMP_SYS(statx)},
          {SCMP_SYS(access)},     {SCMP_SYS(faccessat)},  {SCMP_SYS(faccessat2)},
          {SCMP_SYS(readlink)},   {SCMP_SYS(readlinkat)}, {SCMP_SYS(getcwd)},
          {SCMP_SYS(getdents64)}, {SCMP_SYS(rename)},     {SCMP_SYS(renameat)},
          {SCMP_SYS(renameat2)},  {SCMP_SYS(unlink)},     {SCMP_SYS(unlinkat)},
          {SCMP_SYS(mkdir)},      {SCMP_SYS(mkdirat)},    {SCMP_SYS(rmdir)},
          {SCMP_SYS(symlink)},    {SCMP_SYS(symlinkat)},  {SCMP_SYS(chmod)},
          {SCMP_SYS(fchmod)},     {SCMP_SYS(fchmodat)},   {SCMP_SYS(fsync)},
          {SCMP_SYS(fdatasync)},  {SCMP_SYS(ftruncate)},  {SCMP_SYS(flock)},
          {SCMP_SYS(umask)}}},
        {"sockets: TCP to the CA, DNS over UDP, nscd's socket glibc tries, the challenge ports",
         {{SCMP_SYS(socket), {arg_equals(0, AF_INET)}},
          {SCMP_SYS(socket), {arg_equals(0, AF_INET6)}},
          {SCMP_SYS(socket), {arg_equals(0, AF_UNIX)}},
          // libcurl wakes a transfer waiting on its resolver thread through a socket pair.
          {SCMP_SYS(socketpair), {arg_equals(0, AF_UNIX)}},
          {SCMP_SYS(connect)},
          {SCMP_SYS(bind)},
          {SCMP_SYS(listen)},
          {SCMP_SYS(accept)},
          {SCMP_SYS(accept4)},
          {SCMP_SYS(getsockname)},
          {SCMP_SYS(getpeername)},
          {SCMP_SYS(setsockopt)},
          {SCMP_SYS(getsockopt)},
          {SCMP_SYS(sendto)},
          {SCMP_SYS(recvfrom)},
          {SCMP_SYS(sendmsg)},
          {SCMP_SYS(recvmsg)},
          {SCMP_SYS(sendmmsg)},
          {SCMP_SYS(shutdown)}}},
        {"process facts: OpenSSL, glibc and libcurl ask for ids, limits and the kernel name",
         {{SCMP_SYS(getuid)},
          {SCMP_SYS(geteuid)},
          {SCMP_SYS(getgid)},
          {SCMP_SYS(getegid)},
          {SCMP_SYS(uname)},
          {SCMP_SYS(sysinfo)},
          {SCMP_SYS(prlimit64)},
          {SCMP_SYS(getrlimit)}}},
        {"randomness: OpenSSL's seed, std::random_device",  //
         {{SCMP_SYS(getrandom)}}},
        {"exit: the process, its threads, and calls a signal interrupted",
         {{SCMP_SYS(exit)}, {SCMP_SYS(exit_group)}, {SCMP_SYS(restart_syscall)}}},
    };
    if (kLeakSanitizerAtExit)
        groups.push_back(
            {"LeakSanitizer's exit check (AddressSanitizer build only)",
             {{SCMP_SYS(clone),
               {arg_masked_equals(0, kCloneFlagsChecked | CLONE_UNTRACED, kLeakTracerFlags)}},
              {SCMP_SYS(ptrace)},
              {SCMP_SYS(wait4)},
              {SCMP_SYS(prctl)},
              {SCMP_SYS(getppid)},
              {SCMP_SYS(kill)},
              // GCC 12's sanitizer runtime lists /proc/PID/task with these, not openat and
              // getdents64.
              {SCMP_SYS(open)},
              {SCMP_SYS(getdents)}}});
    return groups;
}

// Calls that mean the process is no longer ours: running programs (hooks run in the custody
// process), reading or writing other processes, changing the kernel, namespaces or mounts,
// kernel keyrings, and the attack surfaces bpf, userfaultfd and perf events.
std::vector<int> kill_list() {
    std::vector<int> calls{
        SCMP_SYS(execve),
        SCMP_SYS(execveat),
        SCMP_SYS(process_vm_readv),
        SCMP_SYS(process_vm_writev),
        SCMP_SYS(kexec_load),
        SCMP_SYS(kexec_file_load),
        SCMP_SYS(init_module),
        SCMP_SYS(finit_module),
        SCMP_SYS(bpf),
        SCMP_SYS(mount),
        SCMP_SYS(umount2),
        SCMP_SYS(pivot_root),
        SCMP_SYS(chroot),
        SCMP_SYS(setns),
        SCMP_SYS(unshare),
        SCMP_SYS(keyctl),
        SCMP_SYS(add_key),
        SCMP_SYS(request_key),
        SCMP_SYS(personality),
        SCMP_SYS(userfaultfd),
        SCMP_SYS(perf_event_open),
    };
    if (!kLeakSanitizerAtExit) calls.push_back(SCMP_SYS(ptrace));
    return calls;
}

}  // namespace hwacme::sandbox
