#include "common/secret_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/error.h"
#include "common/fd.h"

namespace hwacme {

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = std::move(other.data_);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

Secret::~Secret() {
    wipe();
}

void Secret::wipe() noexcept {
    if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
    size_ = 0;
}

Secret Secret::copy_of(std::string_view text) {
    Secret secret;
    secret.data_.assign(text.begin(), text.end());
    secret.size_ = text.size();
    return secret;
}

void Secret::drop_trailing_newline() noexcept {
    if (size_ > 0 && data_[size_ - 1] == '\n') --size_;
    if (size_ > 0 && data_[size_ - 1] == '\r') --size_;
}

std::optional<std::filesystem::path> secret_source_file(std::string_view source) {
    if (source.starts_with("file:")) source.remove_prefix(5);
    if (!source.starts_with('/')) return std::nullopt;
    return std::filesystem::path(source);
}

Secret read_secret_file(const std::filesystem::path& path, std::size_t max_bytes,
                        std::string_view what) {
    const std::string named = std::string(what) + " file " + path.string();
    // Non-blocking: opening a FIFO would otherwise wait for a writer before fstat could refuse it.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT) throw Error(Errc::NotFound, named + " does not exist");
        throw Error(Errc::Io, "cannot read " + named + ": " + std::strerror(errno));
    }
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode))
        throw Error(Errc::InvalidArgument, named + " is not a regular file");
    Secret secret;
    // One byte more than allowed shows a file that grew past the bound while being read.
    secret.data_.resize(max_bytes + 1);
    while (secret.size_ < secret.data_.size()) {
        ssize_t got = ::read(fd.get(), secret.data_.data() + secret.size_,
                             secret.data_.size() - secret.size_);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw Error(Errc::Io, "cannot read " + named + ": " + std::strerror(errno));
        if (got == 0) break;
        secret.size_ += static_cast<std::size_t>(got);
    }
    if (secret.size_ > max_bytes)
        throw Error(Errc::InvalidArgument,
                    named + " holds more than " + std::to_string(max_bytes) + " bytes");
    secret.drop_trailing_newline();
    return secret;
}

}  // namespace hwacme
