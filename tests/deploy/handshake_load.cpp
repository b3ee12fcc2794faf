#include "tests/deploy/handshake_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

namespace hwacme::test {
namespace {

using namespace std::chrono_literals;

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};
struct OpenSslText {
    void operator()(char* text) const { OPENSSL_free(text); }
};

class Socket {
public:
    Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

std::string openssl_reason() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "no OpenSSL error queued";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

std::string serial_hex(X509* cert) {
    std::unique_ptr<BIGNUM, decltype(&BN_free)> number(
        ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr), BN_free);
    if (!number) return "unreadable";
    std::unique_ptr<char, OpenSslText> hex(BN_bn2hex(number.get()));
    std::string text = hex ? hex.get() : "unreadable";
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

/// One handshake: the serial presented, or why there was none.
std::pair<std::string, std::string> handshake(SSL_CTX* ctx, int port) {
    Socket socket;
    if (socket.fd() < 0) return {"", std::string("socket: ") + std::strerror(errno)};
    const timeval five_seconds{5, 0};
    ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
    ::setsockopt(socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &five_seconds, sizeof five_seconds);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        return {"", std::string("connect: ") + std::strerror(errno)};
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx));
    if (!ssl || SSL_set_fd(ssl.get(), socket.fd()) != 1) return {"", openssl_reason()};
    if (SSL_connect(ssl.get()) != 1) return {"", "handshake: " + openssl_reason()};
    std::unique_ptr<X509, X509Free> leaf(SSL_get1_peer_certificate(ssl.get()));
    if (!leaf) return {"", "no certificate presented"};
    SSL_shutdown(ssl.get());
    return {serial_hex(leaf.get()), ""};
}

}  // namespace

std::string first_certificate_serial(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> in(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    std::unique_ptr<X509, X509Free> cert(in ? PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)
                                            : nullptr);
    return cert ? serial_hex(cert.get()) : "";
}

HandshakeLoad::HandshakeLoad(int port, std::size_t threads) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this, port] { run(port); });
}

HandshakeLoad::~HandshakeLoad() {
    stop();
}

void HandshakeLoad::stop() {
    stopping_ = true;
    for (auto& thread : threads_)
        if (thread.joinable()) thread.join();
}

void HandshakeLoad::run(int port) {
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        record("", "SSL_CTX_new: " + openssl_reason());
        return;
    }
    // The certificate is checked by its serial, not by a chain: Pebble's roots are not ours.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION);
    while (!stopping_) {
        auto [serial, failure] = handshake(ctx.get(), port);
        record(std::move(serial), std::move(failure));
    }
}

void HandshakeLoad::record(std::string serial, std::string failure) {
    std::lock_guard lock(mutex_);
    if (failure.empty()) {
        ++served_[serial];
        return;
    }
    ++failure_count_;
    if (failures_.size() < 20) failures_.push_back(std::move(failure));
}

bool HandshakeLoad::wait_for(const std::string& serial, std::size_t count,
                             int timeout_seconds) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(mutex_);
            if (auto found = served_.find(serial); found != served_.end() && found->second >= count)
                return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

std::map<std::string, std::size_t> HandshakeLoad::served() const {
    std::lock_guard lock(mutex_);
    return served_;
}

std::vector<std::string> HandshakeLoad::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

std::size_t HandshakeLoad::failure_count() const {
    std::lock_guard lock(mutex_);
    return failure_count_;
}

}  // namespace hwacme::test
