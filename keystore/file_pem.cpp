#include "keystore/file_pem.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "common/error.h"
#include "common/fd.h"
#include "common/openssl_error.h"

namespace hwacme::keystore {
namespace {

// A key PEM is a few kilobytes; a bound keeps a mistaken `file:/dev/zero` from eating memory.
constexpr std::size_t kMaxKeyFileSize = 1 << 20;

/// Private key bytes held in memory are wiped when they go out of scope.
class SecretBuffer {
public:
    SecretBuffer() = default;
    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;
    ~SecretBuffer() { OPENSSL_cleanse(text_.data(), text_.size()); }
    std::string& text() { return text_; }

private:
    std::string text_;
};

std::string errno_text() {
    return std::strerror(errno);
}

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
    Errc code = errno == ENOENT ? Errc::NotFound : Errc::Io;
    throw Error(code, what + " " + path.string() + ": " + errno_text());
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
    return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

// A new or removed directory entry survives a crash only once its folder is fsync'd too.
void sync_folder(const std::filesystem::path& folder) {
    Fd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) throw_errno("cannot sync the folder", folder);
}

void write_all(int fd, std::string_view content, const std::filesystem::path& path) {
    for (std::size_t done = 0; done < content.size();) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("cannot write the key file", path);
        }
        done += static_cast<std::size_t>(n);
    }
}

// The password callback only ever runs for an encrypted PEM: it refuses (returns 0) so OpenSSL
// never prompts on the terminal, and records that it was asked.
int refuse_passphrase(char*, int, int, void* asked) {
    *static_cast<bool*>(asked) = true;
    return 0;
}

}  // namespace

KeyFileStat stat_key_file(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw_errno("cannot stat the key file", path);
    return {st.st_mode & 07777, st.st_uid};
}

std::string format_mode(mode_t permissions) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(permissions & 07777));
    return text;
}

EvpPkeyPtr read_private_key_pem(const std::filesystem::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) throw Error(Errc::NotFound, "no key file at " + path.string());
        throw_errno("cannot open the key file", path);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat the key file", path);
    if (!S_ISREG(st.st_mode))
        throw Error(Errc::InvalidArgument, path.string() + " is not a regular file");
    if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileSize)
        throw Error(Errc::InvalidArgument, path.string() + " is not a private key PEM (" +
                                               std::to_string(st.st_size) + " bytes is too large)");

    SecretBuffer pem;
    pem.text().resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < pem.text().size()) {
        ssize_t n = ::read(fd.get(), pem.text().data() + got, pem.text().size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read the key file", path);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    pem.text().resize(got);

    BioPtr bio(BIO_new_mem_buf(pem.text().data(), static_cast<int>(pem.text().size())));
    if (!bio) throw_openssl("cannot read " + path.string());
    bool passphrase_asked = false;
    EvpPkeyPtr key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, &passphrase_asked));
    if (passphrase_asked)
        throw Error(
            Errc::Unsupported,
            openssl_message(path.string() + " is an encrypted private key; the file backend reads "
                                            "unencrypted PKCS#8 PEM only"));
    if (!key)
        throw Error(Errc::InvalidArgument,
                    openssl_message(path.string() + " is not a private key PEM"));
    return key;
}

void create_private_key_pem(const std::filesystem::path& path, EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw_openssl("cannot encode the private key for " + path.string());
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    std::string_view pem(data, static_cast<std::size_t>(size));

    // O_EXCL: a key is never replaced, and a symlink planted at `path` is not followed.
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        if (errno == EEXIST)
            throw Error(Errc::AlreadyExists,
                        "a file already exists at " + path.string() + "; refusing to replace it");
        if (errno == ENOENT)
            throw Error(Errc::NotFound, "the folder " + folder_of(path).string() +
                                            " does not exist (for key file " + path.string() + ")");
        throw_errno("cannot create the key file", path);
    }
    try {
        // The umask may only have narrowed 0600; make the mode exact whatever it was.
        if (::fchmod(fd.get(), 0600) != 0) throw_errno("cannot set the mode of", path);
        write_all(fd.get(), pem, path);
        if (::fsync(fd.get()) != 0) throw_errno("cannot flush the key file", path);
        if (::close(fd.release()) != 0) throw_errno("cannot close the key file", path);
        sync_folder(folder_of(path));
    } catch (...) {
        ::unlink(path.c_str());
        throw;
    }
}

void remove_key_file(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) throw Error(Errc::NotFound, "no key file at " + path.string());
        throw_errno("cannot remove the key file", path);
    }
    sync_folder(folder_of(path));
}

}  // namespace hwacme::keystore
