#pragma once

#include <string>

#include "common/c_handle.h"
#include "pkcs11/key_objects.h"

namespace hwacme::pkcs11 {

/// A key's public half and where on the token it came from.
struct PublicHalf {
    EvpPkeyPtr key;
    std::string source;  ///< e.g. "the public key object with its CKA_ID", for `key show`
};

/// The public half of `key`, from every place a token may keep it: a public key object with the
/// key's CKA_ID, else one with its CKA_LABEL (keys other tools made often have no id); a
/// certificate object beside it (same id, else same label); the private key's
/// CKA_PUBLIC_KEY_INFO; and for RSA the private key's own modulus. The first found is the
/// answer; Error{InvalidArgument} naming both when two disagree, Error{Unsupported} naming what
/// was looked for when none is there (not NotFound: the key exists, and open_or_generate must not
/// make another).
PublicHalf read_public_key(Session& session, const KeyObject& key);

}  // namespace hwacme::pkcs11
