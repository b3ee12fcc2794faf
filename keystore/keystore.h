#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "keystore/key.h"
#include "keystore/key_type.h"
#include "keystore/key_uri.h"

namespace hwacme::keystore {

/// What a listing says of one key: its URI and whatever the backend knows cheaply.
struct KeyInfo {
    std::string uri;
    std::optional<KeyType> type;  ///< nullopt when the backend cannot tell without opening it
    std::string description;      ///< backend facts, e.g. "token=acme label=web id=01"
};

/// Options the command line hands to every backend; each backend reads what concerns it.
struct KeystoreOptions {
    /// Accept a private key that can leave its device (CKA_EXTRACTABLE, TPM without fixedTPM).
    bool allow_extractable = false;
    /// TPM TCTI configuration string; empty means the backend's default.
    std::string tcti;
    /// The lock hwacme's runs share a TPM without a resource manager by (tpm/tpm_host_lock.h);
    /// empty: none.
    std::filesystem::path tpm_lock_file;
    /// Flush what interrupted runs left in a TPM without a resource manager when no other hwacme
    /// run is connected (tpm/tpm_connection.h).
    bool tpm_flush_stale = false;
};

/// The abilities below are what some stores have beyond opening and generating keys: a caller
/// asks the Keystore for one (nullptr: this store has it not) or requires it (keystore_ability.h).

/// Listing the keys of a scope: a folder, a token, a TPM.
class KeyListing {
public:
    virtual ~KeyListing() = default;
    /// The keys within the scope `uri` names.
    virtual std::vector<KeyInfo> list(const KeyUri& uri) = 0;
};

/// Destroying a key in its device.
class KeyRemoval {
public:
    virtual ~KeyRemoval() = default;
    /// Destroys the key at `uri`. Error{NotFound} when there is none.
    virtual void remove(const KeyUri& uri) = 0;
};

/// Saying how a key is kept: its device, its attributes, what could let it leave.
class CustodyDescription {
public:
    virtual ~CustodyDescription() = default;
    /// Facts about the key's custody as "name: value" lines, for `hwacme key show`.
    virtual std::vector<std::pair<std::string, std::string>> describe(const KeyUri& uri) = 0;
};

/// Keeping a certificate beside its key, where applications using the device find it (a
/// PKCS#11 token's CKO_CERTIFICATE with the key's CKA_ID and label).
class CertificateStorage {
public:
    virtual ~CertificateStorage() = default;
    /// Stores `certificate` for `key`, a key this store handed out, replacing the one stored for
    /// it before (after the new one is written). Error{InvalidArgument} when the certificate is
    /// for another key or `key` is not of this store.
    virtual void store_certificate(const Key& key, X509* certificate) = 0;
};

/// A place keys live: a folder of PEM files, a PKCS#11 token, a TPM. One Keystore is opened per
/// URI scope (token, TPM); it owns the device connection and outlives the keys it hands out.
/// Not thread-safe.
class Keystore {
public:
    virtual ~Keystore() = default;

    /// Opens an existing key. Error{NotFound} when there is none at `uri`.
    virtual std::unique_ptr<Key> open(const KeyUri& uri) = 0;

    /// Generates a new key at `uri` inside the store. Error{AlreadyExists} when one is there —
    /// a key is never replaced silently. Error{Unsupported} for a type the device cannot make.
    virtual std::unique_ptr<Key> generate(const KeyUri& uri, KeyType type) = 0;

    // The store's abilities, through the connection it already has; nullptr when it lacks one.
    virtual KeyListing* listing() { return nullptr; }
    virtual KeyRemoval* removal() { return nullptr; }
    virtual CustodyDescription* custody_description() { return nullptr; }
    virtual CertificateStorage* certificate_storage() { return nullptr; }
};

}  // namespace hwacme::keystore
