#include "tpm/key_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/error.h"
#include "tpm/tpm_public.h"

namespace hwacme::tpm {

Tss2KeyFile read_key_file(const std::string& path) {
    return decode_tss2_pem(read_file(path), path);
}

void write_new_key_file(const std::string& path, const Tss2KeyFile& key) {
    std::filesystem::path target(path);
    std::filesystem::path temp = target.parent_path() / ("." + target.filename().string() +
                                                         ".new." + std::to_string(::getpid()));
    write_file_atomic(temp, encode_tss2_pem(key), 0600);
    int rc = ::link(temp.c_str(), target.c_str());
    int err = errno;
    ::unlink(temp.c_str());
    if (rc != 0 && err == EEXIST)
        throw Error(Errc::AlreadyExists, "refusing to replace the existing file " + path);
    if (rc != 0) throw Error(Errc::Io, "cannot create " + path + ": " + std::strerror(err));
    int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

TrHandle load_key_file(TpmConnection& tpm, const StorageParent& parent, const Tss2KeyFile& key,
                       const std::string& path) {
    TPM2B_PUBLIC pub = unmarshal_public(key.public_area, path);
    TPM2B_PRIVATE priv{};
    std::size_t offset = 0;
    if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(key.private_area.data(), key.private_area.size(), &offset,
                                        &priv) != TSS2_RC_SUCCESS ||
        offset != key.private_area.size())
        throw Error(Errc::InvalidArgument, path + " holds a malformed TPM2B_PRIVATE");
    ESYS_TR object = ESYS_TR_NONE;
    TSS2_RC rc = tpm.with_room([&] {
        return Esys_Load(tpm.get(), parent.tr(), ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                         &priv, &pub, &object);
    });
    // Part 3 §12.2.1: the private part is checked against an HMAC keyed from the parent's seed;
    // a blob from another TPM or parent fails as a parameter error (INTEGRITY, mostly).
    if (tpm_rc_base(rc) != 0 && (rc & TPM2_RC_FMT1) && (rc & TPM2_RC_P))
        throw Error(Errc::InvalidArgument,
                    path +
                        " cannot be loaded by this TPM: it was made by another TPM or under "
                        "another parent (Esys_Load: " +
                        Tss2_RC_Decode(rc) + ")");
    check_tss("Esys_Load", rc, "cannot load " + path);
    return TrHandle(tpm.get(), object, TrHandle::Release::Flush);
}

}  // namespace hwacme::tpm
