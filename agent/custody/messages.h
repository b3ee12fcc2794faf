#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "agent/custody/link.h"
#include "common/bytes.h"
#include "common/error.h"

namespace hwacme::custody {

/// What the network process asks of the custody process, and what custody answers. The network
/// process parses what the CA sends, so custody treats every request as hostile: each field has
/// a bound and a character set, checked on receipt (decode_request), and a key is named by its
/// role, never by URI, so a subverted network process cannot reach keys it was not given.
///
/// Body layout: message type (1 byte), protocol version (1 byte), then the fields of that type
/// in a fixed order, each a u32 big-endian length and that many bytes. A one-byte value (role,
/// presence, category) is a field of length 1; an optional value is a presence field (0 or 1)
/// followed by the value's field only when it is 1, so "absent" and "empty" never meet.

inline constexpr std::uint8_t kProtocolVersion = 3;

/// The bounds, each beside the reason it is large enough.
inline constexpr std::size_t kMaxUrlBytes = 2048;            // ACME URLs are ~100 bytes
inline constexpr std::size_t kMaxNonceBytes = 512;           // Boulder and Pebble send ~40
inline constexpr std::size_t kMaxPayloadBytes = 128 * 1024;  // a CSR of 100 names is ~8 KiB
inline constexpr std::size_t kMaxNames = 100;           // Let's Encrypt's limit per certificate
inline constexpr std::size_t kMaxNameBytes = 253;       // RFC 1035 §2.3.4, in text form
inline constexpr std::size_t kMaxEabKidBytes = 256;     // CAs issue ~20-byte key ids
inline constexpr std::size_t kMaxSpkiBytes = 4096;      // RSA-4096 SPKI is 550 bytes
inline constexpr std::size_t kMaxCsrBytes = 64 * 1024;  // 100 names and an RSA-4096 key: ~9 KiB
inline constexpr std::size_t kMaxRefusalBytes = 1024;   // one line an operator reads
inline constexpr std::size_t kMaxKeyUriBytes = 2048;    // a pkcs11: URI with every attribute
inline constexpr std::size_t kMaxKeyTypeBytes = 32;     // "ec-p256", "rsa-4096"
inline constexpr std::size_t kMaxCertificateBytes = 64 * 1024;  // an RSA-4096 leaf is ~2 KiB
inline constexpr std::size_t kMaxTxtValueBytes = 43;            // base64url of a SHA-256 digest
inline constexpr std::uint32_t kMaxHookSeconds = 3600;          // an issuance's --timeout is ~300 s
inline constexpr std::size_t kMaxCertificateNameBytes = 255;    // a file name in the state folder
/// Type, version and one field length: a JWS reply fills the rest of a frame.
inline constexpr std::size_t kMessageOverheadBytes = 2 + 4;
inline constexpr std::size_t kMaxJwsBytes = kMaxFrameBytes - kMessageOverheadBytes;

enum class KeyRole : std::uint8_t { Account = 1, Certificate = 2, NewAccountKey = 3 };

/// The DER SubjectPublicKeyInfo of the key with `role`.
struct PublicKeyRequest {
    KeyRole role;
    friend bool operator==(const PublicKeyRequest&, const PublicKeyRequest&) = default;
};

/// RequestSigner::sign_request for the key with `role`: custody builds the protected header.
/// url and kid: https URLs of visible ASCII; nonce: base64url; payload: any bytes (empty is a
/// POST-as-GET, RFC 8555 §6.3).
struct SignRequest {
    KeyRole role;
    std::string url;
    std::optional<std::string> nonce;
    std::optional<std::string> kid;
    std::string payload;
    friend bool operator==(const SignRequest&, const SignRequest&) = default;
};

/// CsrSigner::certificate_request with the certificate key. Each name is 1..253 bytes of
/// A-Z a-z 0-9 . - * (wildcards) and : (IPv6 addresses); no two names equal ignoring case.
struct CsrRequest {
    std::vector<std::string> names;
    friend bool operator==(const CsrRequest&, const CsrRequest&) = default;
};

/// The inner JWS of an account key rollover (RFC 8555 §7.3.5), signed by the NewAccountKey:
/// url is the keyChange URL, account_url the account's.
struct KeyChangeRequest {
    std::string url;
    std::string account_url;
    friend bool operator==(const KeyChangeRequest&, const KeyChangeRequest&) = default;
};

/// The external account binding (RFC 8555 §7.3.4): an HMAC JWS over the account key's JWK with
/// the EAB key custody holds. kid: 1..256 bytes of printable ASCII; url: the newAccount URL.
struct EabRequest {
    std::string kid;
    std::string url;
    friend bool operator==(const EabRequest&, const EabRequest&) = default;
};

/// Store `der`, the certificate just issued for the run's certificate key, beside that key in
/// its token (`--store-cert-in-token`). Custody checks it carries the key. DER, 1..64 KiB.
struct StoreCertificateRequest {
    Bytes der;
    friend bool operator==(const StoreCertificateRequest&,
                           const StoreCertificateRequest&) = default;
};

/// Run the dns-01 hook of the run as `HOOK action record value`: custody runs it, since the
/// network process may start no program. action: "add" or "remove"; record:
/// "_acme-challenge." and one of the run's identifiers; value: the 43-byte base64url TXT value.
struct DnsHookRequest {
    std::string action;
    std::string record;
    std::string value;
    std::uint32_t seconds = 0;  ///< how long the hook may run: 1..kMaxHookSeconds
    friend bool operator==(const DnsHookRequest&, const DnsHookRequest&) = default;
};

/// `renew`: make the key of `generation` of the managed certificate `certificate` the run's
/// certificate key (0 for a key of policy reuse), opening or generating it where the
/// configuration custody read puts it; the CSRs and DNS hooks that follow are that
/// certificate's. certificate: 1..255 bytes of A-Z a-z 0-9 . _ - (a configured name).
/// Answered with a PublicKeyReply.
struct CertificateKeyRequest {
    std::string certificate;
    std::uint32_t generation = 0;
    friend bool operator==(const CertificateKeyRequest&, const CertificateKeyRequest&) = default;
};

/// `renew`: destroy, in its device, the retired key `key_uri` of `certificate`, whose grace
/// period the state says is over. key_uri: visible ASCII, at most kMaxKeyUriBytes.
struct DestroyKeyRequest {
    std::string certificate;
    std::string key_uri;
    friend bool operator==(const DestroyKeyRequest&, const DestroyKeyRequest&) = default;
};

/// `renew`: run the configured deploy hook of `certificate` for the release its `current` link
/// points to; custody builds the hook's environment itself. Answered with a HookReply.
struct DeployHookRequest {
    std::string certificate;
    friend bool operator==(const DeployHookRequest&, const DeployHookRequest&) = default;
};

/// The network process is done: custody logs out of its tokens and exits.
struct Goodbye {
    friend bool operator==(const Goodbye&, const Goodbye&) = default;
};

using Request = std::variant<PublicKeyRequest, SignRequest, CsrRequest, KeyChangeRequest,
                             EabRequest, StoreCertificateRequest, DnsHookRequest,
                             CertificateKeyRequest, DestroyKeyRequest, DeployHookRequest, Goodbye>;

/// A DER SubjectPublicKeyInfo, 1..4096 bytes; the key's URI as custody names it in messages
/// (never with a PIN), whether custody generated it for this run, and its type's name.
struct PublicKeyReply {
    Bytes spki_der;
    std::string uri;
    bool generated = false;
    std::string key_type;
    friend bool operator==(const PublicKeyReply&, const PublicKeyReply&) = default;
};

/// A flattened JWS: 1..kMaxJwsBytes of printable ASCII.
struct JwsReply {
    std::string text;
    friend bool operator==(const JwsReply&, const JwsReply&) = default;
};

/// A PKCS#10 request, DER, 1..64 KiB.
struct CsrReply {
    Bytes der;
    friend bool operator==(const CsrReply&, const CsrReply&) = default;
};

/// Custody refused or failed: the network process rethrows Error{category, message}, so the
/// operator sees the same category either way. message: 1..1024 bytes of printable UTF-8.
struct Refused {
    Errc category;
    std::string message;
    friend bool operator==(const Refused&, const Refused&) = default;
};

/// What was asked is done (a certificate stored, a key destroyed).
struct Done {
    friend bool operator==(const Done&, const Done&) = default;
};

/// How the hook ended: succeeded, and ChildOutcome::describe() (1..256 printable bytes).
struct HookReply {
    bool succeeded = false;
    std::string outcome;
    friend bool operator==(const HookReply&, const HookReply&) = default;
};

using Response = std::variant<PublicKeyReply, JwsReply, CsrReply, Refused, Done, HookReply>;

/// The body of one frame. Encoding checks no bounds (the receiver does): a sender that wants to
/// know first decodes what it encoded.
Bytes encode(const Request& request);
Bytes encode(const Response& response);

/// Throws Error{Errc::Protocol} naming the message and field for anything but a well-formed
/// message of this protocol version: unknown type, a field out of its bounds or character set,
/// missing fields, bytes left over.
Request decode_request(ByteView body);
Response decode_response(ByteView body);

}  // namespace hwacme::custody
