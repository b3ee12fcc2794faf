#include "agent/manage/release.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

#include "common/atomic_file.h"
#include "common/directories.h"
#include "common/error.h"
#include "keystore/key_uri.h"

namespace hwacme::manage {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCurrent = "current";
constexpr const char* kReleases = "releases";

[[noreturn]] void throw_errno(const std::string& what, const fs::path& path) {
    throw Error(Errc::Io, what + " " + path.string() + ": " + std::strerror(errno));
}

// The serial names a folder: hex digits only, so it can never climb out of releases/.
void check_serial(const std::string& serial_hex) {
    if (serial_hex.empty() ||
        serial_hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        throw Error(Errc::InvalidArgument,
                    "the certificate serial '" + serial_hex + "' is not a hex number");
}

// The file holding the key, for keys kept in files; nullopt for keys inside a device.
std::optional<fs::path> key_file_of(const std::string& key_uri) {
    auto uri = keystore::KeyUri::parse(key_uri);
    std::optional<fs::path> file;
    if (uri.scheme() == "file") file = uri.path();
    if (uri.scheme() == "tpm2") file = uri.attribute("path");
    // A relative path is relative to hwacme's working folder, not to the release folder.
    if (file) return fs::absolute(*file);
    return std::nullopt;
}

// A name beside `path` for a link that is then renamed over it.
fs::path temp_name_beside(const fs::path& path) {
    return path.parent_path() /
           ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
            std::to_string(std::random_device{}()));
}

// Replaces whatever is at `link` with a symlink to `target` in one rename(2).
void replace_symlink(const fs::path& link, const fs::path& target) {
    auto temp = temp_name_beside(link);
    if (::symlink(target.c_str(), temp.c_str()) != 0) throw_errno("cannot create the link", temp);
    if (::rename(temp.c_str(), link.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        throw_errno("cannot switch the link", link);
    }
}

// Leftovers of a write that a crash interrupted (write_file_atomic's and our own temp names):
// names starting with `prefix` and holding ".tmp.".
void remove_temp_files(const fs::path& dir, std::string_view prefix = ".") {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (name.starts_with(prefix) && name.find(".tmp.") != std::string::npos)
            fs::remove(it->path(), ec);
    }
    if (ec) throw Error(Errc::Io, "cannot clean up " + dir.string() + ": " + ec.message());
}

void remove_if_present(const fs::path& path) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) throw Error(Errc::Io, "cannot remove " + path.string() + ": " + ec.message());
}

// Through symlinks and "..", as the kernel resolves them; lexically when that fails.
fs::path resolved(const fs::path& path) {
    std::error_code ec;
    auto real = fs::weakly_canonical(path, ec);
    return ec ? path.lexically_normal() : real;
}

bool same_folder(const fs::path& a, const fs::path& b) {
    return resolved(a) == resolved(b);
}

// "OUT/releases/ABC/" names the same folder as "OUT/releases/ABC".
fs::path without_trailing_slash(const fs::path& path) {
    auto normal = path.lexically_normal();
    return normal.has_filename() ? normal : normal.parent_path();
}

}  // namespace

Release release_at(const fs::path& release_dir) {
    Release release{release_dir,
                    release_dir / "cert.pem",
                    release_dir / "chain.pem",
                    release_dir / "fullchain.pem",
                    release_dir / "key.uri",
                    std::nullopt};
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(release_dir / "key.pem", ec)))
        release.key_file = release_dir / "key.pem";
    return release;
}

Release write_release(const fs::path& output_dir, const std::string& serial_hex,
                      const std::vector<std::string>& chain_pems, const std::string& key_uri,
                      unsigned file_mode) {
    check_serial(serial_hex);
    if (chain_pems.empty())
        throw Error(Errc::InvalidArgument, "no certificate to publish for serial " + serial_hex);
    auto key_file = key_file_of(key_uri);
    auto dir = output_dir / kReleases / serial_hex;
    create_directories_with_mode(dir, 0755);
    remove_temp_files(dir);

    // Every file is rewritten, never trusted: this is how a release half-written by a crash
    // is completed. Readers of an active release see each file old or new, never torn.
    std::string chain;
    for (std::size_t i = 1; i < chain_pems.size(); ++i) chain += chain_pems[i];
    Release release = release_at(dir);
    write_file_atomic(release.cert, chain_pems[0], file_mode);
    write_file_atomic(release.chain, chain, file_mode);
    write_file_atomic(release.fullchain, chain_pems[0] + chain, file_mode);
    write_file_atomic(release.key_uri_file, key_uri + "\n", 0644);
    auto key_link = dir / "key.pem";
    if (key_file) {
        replace_symlink(key_link, *key_file);
        release.key_file = key_link;
    } else {
        remove_if_present(key_link);
        release.key_file.reset();
    }
    fsync_directory(dir);
    fsync_directory(dir.parent_path());
    return release;
}

void activate_release(const fs::path& output_dir, const Release& release) {
    std::error_code ec;
    for (const auto& file : {release.cert, release.chain, release.fullchain, release.key_uri_file})
        if (!fs::is_regular_file(file, ec))
            throw Error(Errc::NotFound, "cannot activate " + release.dir.string() + ": " +
                                            file.filename().string() + " is missing");
    // Relative when it can be, so OUT still works when moved or mounted elsewhere.
    auto dir = without_trailing_slash(release.dir);
    fs::path target = same_folder(dir.parent_path(), output_dir / kReleases)
                          ? fs::path(kReleases) / dir.filename()
                          : fs::absolute(dir);
    remove_temp_files(output_dir, std::string(".") + kCurrent + ".tmp.");
    replace_symlink(output_dir / kCurrent, target);
    fsync_directory(output_dir);
}

std::optional<fs::path> active_release_dir(const fs::path& output_dir) {
    auto link = output_dir / kCurrent;
    std::error_code ec;
    auto status = fs::symlink_status(link, ec);
    if (status.type() == fs::file_type::not_found) return std::nullopt;
    if (ec) throw Error(Errc::Io, "cannot read " + link.string() + ": " + ec.message());
    if (status.type() != fs::file_type::symlink)
        throw Error(Errc::Io, link.string() + " is not a symlink to a release; move it away");
    auto target = fs::read_symlink(link, ec);
    if (ec) throw Error(Errc::Io, "cannot read the link " + link.string() + ": " + ec.message());
    return (target.is_absolute() ? target : output_dir / target).lexically_normal();
}

void remove_release(const fs::path& output_dir, const fs::path& given_dir) {
    auto release_dir = without_trailing_slash(given_dir);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(release_dir, ec))) return;
    // remove_all is only ever pointed inside OUT/releases, whatever a state file says.
    if (!same_folder(release_dir.parent_path(), output_dir / kReleases))
        throw Error(Errc::InvalidArgument, "refusing to remove " + release_dir.string() +
                                               ": it is not in " +
                                               (output_dir / kReleases).string());
    auto active = active_release_dir(output_dir);
    if (active && same_folder(*active, release_dir))
        throw Error(Errc::InvalidArgument,
                    "refusing to remove " + release_dir.string() + ": it is the active release");
    fs::remove_all(release_dir, ec);
    if (ec) throw Error(Errc::Io, "cannot remove " + release_dir.string() + ": " + ec.message());
    fsync_directory(release_dir.parent_path());
}

}  // namespace hwacme::manage
