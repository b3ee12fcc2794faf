#include "agent/custody/messages.h"

#include <algorithm>
#include <array>
#include <set>
#include <span>

#include "agent/custody/field_rules.h"
#include "agent/custody/fields.h"

namespace hwacme::custody {
namespace {

/// A message type: its code on the wire and its name in errors. Requests and replies never share
/// a code, so a message sent the wrong way is an unknown type rather than a misread one.
struct Kind {
    std::uint8_t code;
    std::string_view name;
};

constexpr Kind kPublicKeyRequest{0x01, "public key request"};
constexpr Kind kSignRequest{0x02, "sign request"};
constexpr Kind kCsrRequest{0x03, "CSR request"};
constexpr Kind kKeyChangeRequest{0x04, "key change request"};
constexpr Kind kEabRequest{0x05, "EAB request"};
constexpr Kind kGoodbye{0x06, "goodbye"};
constexpr Kind kStoreCertificateRequest{0x07, "store certificate request"};
constexpr Kind kDnsHookRequest{0x08, "DNS hook request"};
constexpr Kind kCertificateKeyRequest{0x09, "certificate key request"};
constexpr Kind kDestroyKeyRequest{0x0a, "destroy key request"};
constexpr Kind kDeployHookRequest{0x0b, "deploy hook request"};
constexpr std::array kRequestKinds{
    kPublicKeyRequest,        kSignRequest,      kCsrRequest,
    kKeyChangeRequest,        kEabRequest,       kGoodbye,
    kStoreCertificateRequest, kDnsHookRequest,   kCertificateKeyRequest,
    kDestroyKeyRequest,       kDeployHookRequest};

constexpr Kind kPublicKeyReply{0x81, "public key reply"};
constexpr Kind kJwsReply{0x82, "JWS reply"};
constexpr Kind kCsrReply{0x83, "CSR reply"};
constexpr Kind kRefused{0x84, "refusal"};
constexpr Kind kDone{0x85, "done"};
constexpr Kind kHookReply{0x86, "hook reply"};
constexpr std::array kResponseKinds{kPublicKeyReply, kJwsReply, kCsrReply,
                                    kRefused,        kDone,     kHookReply};
constexpr std::size_t kMaxHookOutcomeBytes = 256;

constexpr std::size_t kHeaderBytes = 2;
// The last enumerator of Errc: a category added after it must be added here too.
constexpr Errc kLastErrc = Errc::Io;

static_assert(kHeaderBytes + 5 + (4 + kMaxUrlBytes) + 5 + (4 + kMaxNonceBytes) + 5 +
                      (4 + kMaxUrlBytes) + (4 + kMaxPayloadBytes) <=
                  kMaxFrameBytes,
              "the largest sign request must fit in a frame");
static_assert(kHeaderBytes + 8 + kMaxNames * (4 + kMaxNameBytes) <= kMaxFrameBytes,
              "the largest CSR request must fit in a frame");

const Kind& kind_of(ByteView body, std::span<const Kind> kinds, const std::string& direction) {
    if (body.size() < kHeaderBytes)
        throw Error(Errc::Protocol, "custody " + direction +
                                        ": too short for a type and a version (" +
                                        std::to_string(body.size()) + " of 2 bytes)");
    auto kind =
        std::find_if(kinds.begin(), kinds.end(), [&](const Kind& k) { return k.code == body[0]; });
    if (kind == kinds.end())
        throw Error(Errc::Protocol,
                    "custody " + direction + ": unknown message type " + std::to_string(body[0]));
    if (body[1] != kProtocolVersion)
        throw Error(Errc::Protocol, std::string(kind->name) + ": protocol version " +
                                        std::to_string(body[1]) + ", expected " +
                                        std::to_string(kProtocolVersion));
    return *kind;
}

void put_optional(FieldWriter& out, const std::optional<std::string>& value) {
    out.byte(value.has_value() ? 1 : 0);
    if (value) out.field(*value);
}

Bytes encode_one(const PublicKeyRequest& m) {
    return FieldWriter(kPublicKeyRequest.code).byte(static_cast<std::uint8_t>(m.role)).finish();
}

Bytes encode_one(const SignRequest& m) {
    FieldWriter out(kSignRequest.code);
    out.byte(static_cast<std::uint8_t>(m.role)).field(m.url);
    put_optional(out, m.nonce);
    put_optional(out, m.kid);
    return out.field(m.payload).finish();
}

Bytes encode_one(const CsrRequest& m) {
    FieldWriter out(kCsrRequest.code);
    out.number(static_cast<std::uint32_t>(m.names.size()));
    for (const std::string& name : m.names) out.field(name);
    return out.finish();
}

Bytes encode_one(const KeyChangeRequest& m) {
    return FieldWriter(kKeyChangeRequest.code).field(m.url).field(m.account_url).finish();
}

Bytes encode_one(const EabRequest& m) {
    return FieldWriter(kEabRequest.code).field(m.kid).field(m.url).finish();
}

Bytes encode_one(const StoreCertificateRequest& m) {
    return FieldWriter(kStoreCertificateRequest.code).field(m.der).finish();
}

Bytes encode_one(const DnsHookRequest& m) {
    return FieldWriter(kDnsHookRequest.code)
        .field(m.action)
        .field(m.record)
        .field(m.value)
        .number(m.seconds)
        .finish();
}

Bytes encode_one(const CertificateKeyRequest& m) {
    return FieldWriter(kCertificateKeyRequest.code)
        .field(m.certificate)
        .number(m.generation)
        .finish();
}

Bytes encode_one(const DestroyKeyRequest& m) {
    return FieldWriter(kDestroyKeyRequest.code).field(m.certificate).field(m.key_uri).finish();
}

Bytes encode_one(const DeployHookRequest& m) {
    return FieldWriter(kDeployHookRequest.code).field(m.certificate).finish();
}

Bytes encode_one(const Goodbye&) {
    return FieldWriter(kGoodbye.code).finish();
}

Bytes encode_one(const PublicKeyReply& m) {
    return FieldWriter(kPublicKeyReply.code)
        .field(m.spki_der)
        .field(m.uri)
        .byte(m.generated ? 1 : 0)
        .field(m.key_type)
        .finish();
}

Bytes encode_one(const Done&) {
    return FieldWriter(kDone.code).finish();
}

Bytes encode_one(const HookReply& m) {
    return FieldWriter(kHookReply.code).byte(m.succeeded ? 1 : 0).field(m.outcome).finish();
}

Bytes encode_one(const JwsReply& m) {
    return FieldWriter(kJwsReply.code).field(m.text).finish();
}

Bytes encode_one(const CsrReply& m) {
    return FieldWriter(kCsrReply.code).field(m.der).finish();
}

Bytes encode_one(const Refused& m) {
    return FieldWriter(kRefused.code)
        .byte(static_cast<std::uint8_t>(m.category))
        .field(m.message)
        .finish();
}

Bytes copy(ByteView bytes) {
    return {bytes.begin(), bytes.end()};
}

KeyRole read_role(FieldReader& in) {
    std::uint8_t role = in.byte("role");
    if (role < static_cast<std::uint8_t>(KeyRole::Account) ||
        role > static_cast<std::uint8_t>(KeyRole::NewAccountKey))
        in.fail("role", "is " + std::to_string(role) + ", not a key role");
    return static_cast<KeyRole>(role);
}

SignRequest read_sign_request(FieldReader& in) {
    SignRequest m;
    m.role = read_role(in);
    m.url = read_https_url(in, "url");
    if (in.present("nonce"))
        m.nonce = read_text(in, "nonce", 1, kMaxNonceBytes, Charset::Base64url);
    if (in.present("kid")) m.kid = read_https_url(in, "kid");
    m.payload = to_string(in.field("payload", 0, kMaxPayloadBytes));
    return m;
}

CsrRequest read_csr_request(FieldReader& in) {
    std::uint32_t count = in.number("name count");
    if (count < 1 || count > kMaxNames)
        in.fail("name count",
                "is " + std::to_string(count) + ", not 1.." + std::to_string(kMaxNames));
    CsrRequest m;
    std::set<std::string> seen;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string name = read_text(in, "name", 1, kMaxNameBytes, Charset::IdentifierName);
        std::string folded = name;
        // DNS names compare without case (RFC 4343): Example.com repeats example.com.
        std::transform(folded.begin(), folded.end(), folded.begin(),
                       [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; });
        if (!seen.insert(folded).second) in.fail("name", "'" + name + "' is listed twice");
        m.names.push_back(std::move(name));
    }
    return m;
}

DnsHookRequest read_dns_hook_request(FieldReader& in) {
    DnsHookRequest m;
    m.action = read_text(in, "action", 3, 6, Charset::Base64url);
    if (m.action != "add" && m.action != "remove")
        in.fail("action", "is '" + m.action + "', not add or remove");
    m.record = read_text(in, "record", 1, kMaxNameBytes, Charset::DnsRecordName);
    m.value = read_text(in, "value", kMaxTxtValueBytes, kMaxTxtValueBytes, Charset::Base64url);
    m.seconds = in.number("seconds");
    if (m.seconds < 1 || m.seconds > kMaxHookSeconds)
        in.fail("seconds",
                "is " + std::to_string(m.seconds) + ", not 1.." + std::to_string(kMaxHookSeconds));
    return m;
}

std::string read_certificate_name(FieldReader& in) {
    std::string name =
        read_text(in, "certificate", 1, kMaxCertificateNameBytes, Charset::CertificateName);
    if (name == "." || name == "..") in.fail("certificate", "is '" + name + "', not a name");
    return name;
}

bool read_flag(FieldReader& in, std::string_view name) {
    std::uint8_t value = in.byte(name);
    if (value > 1) in.fail(name, "is " + std::to_string(value) + ", not 0 or 1");
    return value == 1;
}

PublicKeyReply read_public_key_reply(FieldReader& in) {
    PublicKeyReply m;
    m.spki_der = copy(in.field("SPKI", 1, kMaxSpkiBytes));
    m.uri = read_text(in, "URI", 1, kMaxKeyUriBytes, Charset::VisibleAscii);
    m.generated = read_flag(in, "generated");
    m.key_type = read_text(in, "key type", 1, kMaxKeyTypeBytes, Charset::VisibleAscii);
    return m;
}

Request read_request(std::uint8_t code, FieldReader& in) {
    switch (code) {
        case kPublicKeyRequest.code:
            return PublicKeyRequest{read_role(in)};
        case kSignRequest.code:
            return read_sign_request(in);
        case kCsrRequest.code:
            return read_csr_request(in);
        case kKeyChangeRequest.code: {
            std::string url = read_https_url(in, "url");
            return KeyChangeRequest{std::move(url), read_https_url(in, "account URL")};
        }
        case kEabRequest.code: {
            std::string kid = read_text(in, "kid", 1, kMaxEabKidBytes, Charset::PrintableAscii);
            return EabRequest{std::move(kid), read_https_url(in, "url")};
        }
        case kStoreCertificateRequest.code:
            return StoreCertificateRequest{copy(in.field("certificate", 1, kMaxCertificateBytes))};
        case kDnsHookRequest.code:
            return read_dns_hook_request(in);
        case kCertificateKeyRequest.code: {
            std::string certificate = read_certificate_name(in);
            return CertificateKeyRequest{std::move(certificate), in.number("generation")};
        }
        case kDestroyKeyRequest.code: {
            std::string certificate = read_certificate_name(in);
            return DestroyKeyRequest{
                std::move(certificate),
                read_text(in, "key URI", 1, kMaxKeyUriBytes, Charset::VisibleAscii)};
        }
        case kDeployHookRequest.code:
            return DeployHookRequest{read_certificate_name(in)};
        case kGoodbye.code:
            return Goodbye{};
    }
    in.fail("type", "has no reader");
}

Refused read_refused(FieldReader& in) {
    std::uint8_t category = in.byte("category");
    if (category > static_cast<std::uint8_t>(kLastErrc))
        in.fail("category", "is " + std::to_string(category) + ", not an error category");
    return Refused{static_cast<Errc>(category),
                   read_printable_utf8(in, "message", 1, kMaxRefusalBytes)};
}

Response read_response(std::uint8_t code, FieldReader& in) {
    switch (code) {
        case kPublicKeyReply.code:
            return read_public_key_reply(in);
        case kJwsReply.code:
            return JwsReply{read_text(in, "JWS", 1, kMaxJwsBytes, Charset::PrintableAscii)};
        case kCsrReply.code:
            return CsrReply{copy(in.field("CSR", 1, kMaxCsrBytes))};
        case kRefused.code:
            return read_refused(in);
        case kDone.code:
            return Done{};
        case kHookReply.code: {
            bool succeeded = read_flag(in, "succeeded");
            return HookReply{succeeded,
                             read_printable_utf8(in, "outcome", 1, kMaxHookOutcomeBytes)};
        }
    }
    in.fail("type", "has no reader");
}

/// The message in `body`, with nothing left after its last field.
template <class Message>
Message decode(ByteView body, std::span<const Kind> kinds, const std::string& direction,
               Message (*read)(std::uint8_t code, FieldReader& in)) {
    const Kind& kind = kind_of(body, kinds, direction);
    FieldReader in(body.subspan(kHeaderBytes), kind.name);
    Message message = read(kind.code, in);
    in.finish();
    return message;
}

}  // namespace

Bytes encode(const Request& request) {
    return std::visit([](const auto& m) { return encode_one(m); }, request);
}

Bytes encode(const Response& response) {
    return std::visit([](const auto& m) { return encode_one(m); }, response);
}

Request decode_request(ByteView body) {
    return decode(body, kRequestKinds, "request", read_request);
}

Response decode_response(ByteView body) {
    return decode(body, kResponseKinds, "reply", read_response);
}

}  // namespace hwacme::custody
