#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hwacme::test {

/// TLS 1.3 handshakes with 127.0.0.1:port from several threads at once, one new connection
/// each, until stopped: what a web server sees from its clients while it reloads. Records the
/// serial of each certificate presented and the reason of each failed handshake.
/// The serial of the first certificate in PEM text, written as HandshakeLoad records serials.
std::string first_certificate_serial(const std::string& pem);

class HandshakeLoad {
public:
    HandshakeLoad(int port, std::size_t threads);
    ~HandshakeLoad();
    HandshakeLoad(const HandshakeLoad&) = delete;
    HandshakeLoad& operator=(const HandshakeLoad&) = delete;

    /// Waits (at most timeout_seconds) until `count` handshakes presented `serial`.
    bool wait_for(const std::string& serial, std::size_t count, int timeout_seconds) const;
    void stop();

    /// Serial (lower-case hex, as OpenSSL prints it) → handshakes that presented it.
    std::map<std::string, std::size_t> served() const;
    /// Reasons of the failed handshakes, at most the first 20.
    std::vector<std::string> failures() const;
    std::size_t failure_count() const;

private:
    void run(int port);
    void record(std::string serial, std::string failure);

    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> served_;
    std::vector<std::string> failures_;
    std::size_t failure_count_ = 0;
    std::vector<std::thread> threads_;
};

}  // namespace hwacme::test
