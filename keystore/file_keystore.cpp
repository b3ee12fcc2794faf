#include "keystore/file_keystore.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/error.h"
#include "keystore/file_key.h"
#include "keystore/file_pem.h"

namespace hwacme::keystore {
namespace {

namespace fs = std::filesystem;

fs::path path_of(const KeyUri& uri) {
    if (uri.scheme() != "file")
        throw Error(Errc::InvalidUri, "the file keystore cannot serve '" + uri.str() +
                                          "' (expected file:/path/key.pem)");
    return uri.path();
}

// Group or other bits on a private key file let other accounts read it.
bool exposed(mode_t permissions) {
    return (permissions & 077) != 0;
}

std::unique_ptr<FileKey> load_key(const fs::path& path) {
    EvpPkeyPtr private_key = read_private_key_pem(path);
    KeyType type = software_key_type(private_key.get(), path);
    return std::make_unique<FileKey>(std::move(private_key), type, path);
}

/// Keys as PEM files in the local file system. Holds no state: every call goes to the disk.
class FileKeystore final : public Keystore,
                           public KeyListing,
                           public KeyRemoval,
                           public CustodyDescription {
public:
    KeyListing* listing() override { return this; }
    KeyRemoval* removal() override { return this; }
    CustodyDescription* custody_description() override { return this; }

    std::unique_ptr<Key> open(const KeyUri& uri) override { return load_key(path_of(uri)); }

    std::unique_ptr<Key> generate(const KeyUri& uri, KeyType type) override {
        fs::path path = path_of(uri);
        EvpPkeyPtr private_key = generate_software_key(type);
        create_private_key_pem(path, private_key.get());
        return std::make_unique<FileKey>(std::move(private_key), type, path);
    }

    std::vector<KeyInfo> list(const KeyUri& uri) override {
        fs::path path = path_of(uri);
        std::error_code error;
        fs::file_status status = fs::status(path, error);
        if (status.type() == fs::file_type::not_found)
            throw Error(Errc::NotFound, "no key folder or key file at " + path.string());
        if (error) throw Error(Errc::Io, "cannot stat " + path.string() + ": " + error.message());
        if (!fs::is_directory(status)) return {info_for(path)};
        return list_folder(path);
    }

    void remove(const KeyUri& uri) override {
        fs::path path = path_of(uri);
        // Only a private key is removed: a mistyped URI must not delete a certificate or config.
        load_key(path);
        remove_key_file(path);
    }

    std::vector<std::pair<std::string, std::string>> describe(const KeyUri& uri) override {
        fs::path path = path_of(uri);
        std::unique_ptr<FileKey> key = load_key(path);
        KeyFileStat stat = stat_key_file(path);
        std::error_code error;
        fs::path absolute = fs::absolute(path, error);
        std::vector<std::pair<std::string, std::string>> facts{
            {"backend", "file (software key, extractable by design)"},
            {"path", error ? path.string() : absolute.string()},
            {"type", std::string(to_string(key->type()))},
            {"mode", format_mode(stat.permissions)},
            {"owner uid", std::to_string(stat.owner)},
        };
        if (exposed(stat.permissions))
            facts.emplace_back(
                "warning", "group or others may access this key file; chmod 600 " + path.string());
        return facts;
    }

private:
    // A key of a kind this program cannot use is listed without a type rather than hidden.
    static KeyInfo info_for(const fs::path& path) {
        EvpPkeyPtr private_key = read_private_key_pem(path);
        KeyInfo info{KeyUri::file(path.string()).str(), std::nullopt,
                     "mode " + format_mode(stat_key_file(path).permissions)};
        try {
            info.type = software_key_type(private_key.get(), path);
        } catch (const Error& e) {
            if (e.code() != Errc::Unsupported) throw;
            info.description += ", unsupported " + key_kind(private_key.get()) + " key";
        }
        return info;
    }

    // Certificates and other PEM files share key folders: only private keys are listed.
    static std::vector<KeyInfo> list_folder(const fs::path& folder) {
        std::error_code error;
        fs::directory_iterator entries(folder, error);
        if (error)
            throw Error(Errc::Io,
                        "cannot list the folder " + folder.string() + ": " + error.message());
        std::vector<fs::path> candidates;
        for (const fs::directory_entry& entry : entries)
            if (entry.path().extension() == ".pem" && entry.is_regular_file(error))
                candidates.push_back(entry.path());
        std::sort(candidates.begin(), candidates.end());

        std::vector<KeyInfo> keys;
        for (const fs::path& path : candidates) {
            try {
                keys.push_back(info_for(path));
            } catch (const Error& e) {
                // One unreadable file must not hide the other keys of the folder.
                if (e.code() == Errc::Io)
                    keys.push_back({KeyUri::file(path.string()).str(), std::nullopt,
                                    std::string("unreadable: ") + e.what()});
                // Not a key, or encrypted, or removed since the folder was read: not listed.
                else if (e.code() != Errc::InvalidArgument && e.code() != Errc::Unsupported &&
                         e.code() != Errc::NotFound)
                    throw;
            }
        }
        return keys;
    }
};

}  // namespace

std::unique_ptr<Keystore> open_file_keystore(const KeyUri& uri, const KeystoreOptions&) {
    path_of(uri);
    return std::make_unique<FileKeystore>();
}

}  // namespace hwacme::keystore
