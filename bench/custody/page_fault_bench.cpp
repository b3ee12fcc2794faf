// What a page fault costs on this machine, the unit that key custody's fork is paid in: the
// network process copies, on first write, each page it shares with custody (copy_on_write) and
// maps again each page of code it runs (refault_file_page), where one process would have done
// neither. first_touch is a fault either way, for comparison. Each reports faults per second.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace {

constexpr std::size_t kPages = 512;

std::size_t page_size() {
    static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

char* map_anonymous() {
    void* region = ::mmap(nullptr, kPages * page_size(), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) std::abort();
    return static_cast<char*>(region);
}

void first_touch(benchmark::State& state) {
    for (auto _ : state) {
        char* region = map_anonymous();
        for (std::size_t page = 0; page < kPages; ++page) region[page * page_size()] = 1;
        ::munmap(region, kPages * page_size());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPages));
}

/// Times, in a forked child, `touch` over the pages; the parent waits and records the time.
template <class Touch>
void in_child(benchmark::State& state, Touch touch) {
    for (auto _ : state) {
        int times[2];
        if (::pipe(times) != 0) std::abort();
        pid_t child = ::fork();
        if (child == 0) {
            auto start = std::chrono::steady_clock::now();
            touch();
            std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - start)
                                  .count();
            if (::write(times[1], &ns, sizeof ns) != sizeof ns) ::_exit(1);
            ::_exit(0);
        }
        std::int64_t ns = 0;
        if (::read(times[0], &ns, sizeof ns) != sizeof ns) std::abort();
        ::waitpid(child, nullptr, 0);
        ::close(times[0]);
        ::close(times[1]);
        state.SetIterationTime(static_cast<double>(ns) / 1e9);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kPages));
}

void copy_on_write(benchmark::State& state) {
    char* region = map_anonymous();
    for (std::size_t page = 0; page < kPages; ++page) region[page * page_size()] = 1;
    in_child(state, [&] {
        for (std::size_t page = 0; page < kPages; ++page) region[page * page_size()] = 2;
    });
    ::munmap(region, kPages * page_size());
}

/// A file mapping the parent has read (libcrypto, which both processes run): fork copies no page
/// table entries for it, so the child faults each page in again, as it does for the libraries'
/// code.
void refault_file_page(benchmark::State& state) {
    int fd = ::open(LIBCRYPTO_PATH, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return state.SkipWithError("cannot open " LIBCRYPTO_PATH);
    auto size = static_cast<std::size_t>(::lseek(fd, 0, SEEK_END));
    std::size_t pages = std::min(kPages, size / page_size());
    if (pages < kPages) return state.SkipWithError("libcrypto is smaller than 512 pages");
    void* mapped = ::mmap(nullptr, kPages * page_size(), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED) std::abort();
    const volatile char* region = static_cast<const char*>(mapped);
    for (std::size_t page = 0; page < pages; ++page) (void)region[page * page_size()];
    in_child(state, [&] {
        for (std::size_t page = 0; page < pages; ++page) (void)region[page * page_size()];
    });
    ::munmap(mapped, kPages * page_size());
}

BENCHMARK(first_touch)->UseRealTime();
BENCHMARK(copy_on_write)->UseManualTime();
BENCHMARK(refault_file_page)->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
