#include "tpm/tss2_pem.h"

#include <algorithm>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/c_handle.h"
#include "common/error.h"
#include "common/openssl_error.h"

namespace hwacme::tpm {
namespace {

// OPENSSL_free is a macro adding file and line: wrapped for CDeleter.
void openssl_free(void* p) {
    OPENSSL_free(p);
}

constexpr const char* kPemName = "TSS2 PRIVATE KEY";
// DER of OBJECT IDENTIFIER 2.23.133.10.1.3 (TCG loadable key).
constexpr std::uint8_t kLoadableKeyOid[] = {0x06, 0x06, 0x67, 0x81, 0x05, 0x0A, 0x01, 0x03};

constexpr std::uint8_t kSequence = 0x30, kBoolean = 0x01, kInteger = 0x02, kOctetString = 0x04,
                       kContext0 = 0xA0;

void put_tlv(Bytes& out, std::uint8_t tag, ByteView value) {
    out.push_back(tag);
    std::size_t len = value.size();
    if (len < 0x80) {
        out.push_back(static_cast<std::uint8_t>(len));
    } else {
        Bytes digits;
        for (; len > 0; len >>= 8) digits.insert(digits.begin(), static_cast<std::uint8_t>(len));
        out.push_back(static_cast<std::uint8_t>(0x80 | digits.size()));
        out.insert(out.end(), digits.begin(), digits.end());
    }
    out.insert(out.end(), value.begin(), value.end());
}

// DER INTEGER content: minimal big-endian two's complement of a non-negative value.
Bytes integer_content(std::uint32_t value) {
    Bytes out;
    for (int shift = 24; shift >= 0; shift -= 8) {
        auto byte = static_cast<std::uint8_t>(value >> shift);
        if (out.empty() && byte == 0 && shift > 0) continue;
        if (out.empty() && (byte & 0x80)) out.push_back(0);
        out.push_back(byte);
    }
    return out;
}

// Reads DER tag-length-value items off the front of a buffer; any malformation throws.
class DerReader {
public:
    DerReader(ByteView data, const std::string& source) : data_(data), source_(source) {}

    bool empty() const { return data_.empty(); }
    std::uint8_t peek_tag() const { return data_.empty() ? 0 : data_[0]; }

    ByteView take(std::uint8_t tag, const char* what) {
        if (data_.size() < 2 || data_[0] != tag) fail(std::string("expected ") + what);
        std::size_t len = data_[1], at = 2;
        if (len & 0x80) {
            std::size_t digits = len & 0x7F;
            if (digits == 0 || digits > 3 || data_.size() < 2 + digits) fail("bad DER length");
            len = 0;
            for (std::size_t i = 0; i < digits; ++i) len = len << 8 | data_[2 + i];
            at += digits;
        }
        if (data_.size() - at < len) fail(std::string("truncated ") + what);
        ByteView value = data_.subspan(at, len);
        data_ = data_.subspan(at + len);
        return value;
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw Error(Errc::InvalidArgument,
                    source_ + " is not a TSS2 loadable key (" + kPemName + "): " + why);
    }

private:
    ByteView data_;
    const std::string& source_;
};

}  // namespace

std::string encode_tss2_pem(const Tss2KeyFile& key) {
    Bytes body(std::begin(kLoadableKeyOid), std::end(kLoadableKeyOid));
    // emptyAuth tells tpm2-openssl not to ask for a password; absent means FALSE.
    if (key.empty_auth) {
        const std::uint8_t true_value[] = {0xFF};
        Bytes boolean;
        put_tlv(boolean, kBoolean, true_value);
        put_tlv(body, kContext0, boolean);
    }
    put_tlv(body, kInteger, integer_content(key.parent));
    put_tlv(body, kOctetString, key.public_area);
    put_tlv(body, kOctetString, key.private_area);
    Bytes der;
    put_tlv(der, kSequence, body);

    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio(bio.get(), kPemName, "", der.data(), static_cast<long>(der.size())) <= 0)
        throw_openssl("cannot PEM-encode a TSS2 private key");
    char* text = nullptr;
    long len = BIO_get_mem_data(bio.get(), &text);
    return std::string(text, static_cast<std::size_t>(len));
}

Tss2KeyFile decode_tss2_pem(std::string_view pem, const std::string& source) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (!bio || PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
        ERR_clear_error();
        throw Error(Errc::InvalidArgument, source + " holds no PEM block");
    }
    std::unique_ptr<char, CDeleter<&openssl_free>> name_owner(name), header_owner(header);
    std::unique_ptr<unsigned char, CDeleter<&openssl_free>> data_owner(data);
    DerReader outer(ByteView(data, static_cast<std::size_t>(len)), source);
    if (std::string_view(name) != kPemName)
        outer.fail("its PEM block is '" + std::string(name) + "'");

    DerReader seq(outer.take(kSequence, "a SEQUENCE"), source);
    ByteView oid = seq.take(0x06, "the type OID");
    if (!std::equal(oid.begin(), oid.end(), kLoadableKeyOid + 2, std::end(kLoadableKeyOid)))
        seq.fail("its type is not 2.23.133.10.1.3 (loadable key)");
    Tss2KeyFile key;
    key.empty_auth = false;
    if (seq.peek_tag() == kContext0) {
        DerReader tagged(seq.take(kContext0, "emptyAuth"), source);
        ByteView b = tagged.take(kBoolean, "a BOOLEAN in emptyAuth");
        key.empty_auth = b.size() == 1 && b[0] != 0;
    }
    ByteView parent = seq.take(kInteger, "the parent INTEGER");
    if (parent.empty() || parent.size() > 5 || (parent[0] & 0x80) ||
        (parent.size() == 5 && parent[0] != 0))
        seq.fail("its parent is not a 32-bit handle");
    for (std::uint8_t b : parent) key.parent = key.parent << 8 | b;
    ByteView pub = seq.take(kOctetString, "the pubkey OCTET STRING");
    ByteView priv = seq.take(kOctetString, "the privkey OCTET STRING");
    key.public_area.assign(pub.begin(), pub.end());
    key.private_area.assign(priv.begin(), priv.end());
    // tpm2-openssl reads a parent of 0 as the owner hierarchy.
    if (key.parent == 0) key.parent = 0x40000001;
    return key;
}

}  // namespace hwacme::tpm
