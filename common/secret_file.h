#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>
#include <vector>

namespace hwacme {

/// Bytes of a PIN, auth value or MAC key, wiped when they go. Moving hands the one buffer on;
/// nothing is ever copied into a stream or a growing string.
class Secret {
public:
    Secret() = default;
    Secret(Secret&& other) noexcept = default;
    Secret& operator=(Secret&& other) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    ~Secret();

    std::string_view view() const noexcept { return {data_.data(), size_}; }

private:
    friend Secret read_secret_file(const std::filesystem::path&, std::size_t, std::string_view);
    void wipe() noexcept;

    std::vector<char> data_;
    std::size_t size_ = 0;
};

/// Reads the secret `what` ("the PIN", …) from `path` into a buffer sized once: without one
/// trailing newline (files written by `echo` end with one). Error{NotFound} when the file does
/// not exist; Error{InvalidArgument} naming the path (never the content) when it is not a
/// regular file (a FIFO or /dev/zero would never end) or holds more than `max_bytes`.
Secret read_secret_file(const std::filesystem::path& path, std::size_t max_bytes,
                        std::string_view what);

}  // namespace hwacme
