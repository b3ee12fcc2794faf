#include "keystore/ecdsa_signature.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include "common/c_handle.h"
#include "common/error.h"
#include "common/openssl_error.h"

namespace hwacme::keystore {

Bytes ecdsa_raw_to_der(ByteView raw) {
    if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 2 * 66)
        throw Error(Errc::InvalidArgument, "ECDSA r||s signature of odd or impossible length " +
                                               std::to_string(raw.size()));
    const auto half = static_cast<int>(raw.size() / 2);
    BignumPtr r(BN_bin2bn(raw.data(), half, nullptr));
    BignumPtr s(BN_bin2bn(raw.data() + half, half, nullptr));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        throw_openssl("cannot build an ECDSA signature");
    r.release();  // owned by sig now
    s.release();
    int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) throw_openssl("cannot encode an ECDSA signature");
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_ECDSA_SIG(sig.get(), &p);
    return der;
}

Bytes ecdsa_der_to_raw(ByteView der, std::size_t field_size) {
    const unsigned char* p = der.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig || p != der.data() + der.size())
        throw Error(Errc::InvalidArgument, openssl_message("malformed DER ECDSA signature"));
    const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
    const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
    Bytes raw(2 * field_size);
    if (BN_bn2binpad(r, raw.data(), static_cast<int>(field_size)) < 0 ||
        BN_bn2binpad(s, raw.data() + field_size, static_cast<int>(field_size)) < 0)
        throw Error(Errc::InvalidArgument, "ECDSA signature integer longer than the curve's field");
    return raw;
}

}  // namespace hwacme::keystore
