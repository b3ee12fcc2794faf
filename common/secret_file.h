#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
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

    /// A copy of `text` (a secret handed over by the environment), in a buffer sized once.
    static Secret copy_of(std::string_view text);

    std::string_view view() const noexcept { return {data_.data(), size_}; }
    bool empty() const noexcept { return size_ == 0; }
    /// Without one trailing line break ("\n" or "\r\n"): files written by `echo` end with one.
    void drop_trailing_newline() noexcept;

private:
    friend Secret read_secret_file(const std::filesystem::path&, std::size_t, std::string_view);
    void wipe() noexcept;

    std::vector<char> data_;
    std::size_t size_ = 0;
};

/// The file a key URI's secret source names — `pin-source=` for PKCS#11 (RFC 7512),
/// `auth-source=` for TPM keys: `file:/absolute/path` or an absolute path; nullopt for anything
/// else (a relative path, another scheme), which the caller reports naming its attribute.
std::optional<std::filesystem::path> secret_source_file(std::string_view source);

/// Reads the secret `what` ("the PIN", …) from `path` into a buffer sized once: without one
/// trailing newline (files written by `echo` end with one). Error{NotFound} when the file does
/// not exist; Error{InvalidArgument} naming the path (never the content) when it is not a
/// regular file (a FIFO or /dev/zero would never end) or holds more than `max_bytes`.
Secret read_secret_file(const std::filesystem::path& path, std::size_t max_bytes,
                        std::string_view what);

}  // namespace hwacme
