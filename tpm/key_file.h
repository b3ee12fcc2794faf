#pragma once

#include <string>

#include "tpm/esys_context.h"
#include "tpm/tpm_parent.h"
#include "tpm/tss2_pem.h"

namespace hwacme::tpm {

/// Reads and parses a TSS2 key file: Error{NotFound} when there is none, Error{InvalidArgument}
/// when it is not a TSS2 loadable key.
Tss2KeyFile read_key_file(const std::string& path);

/// Writes a new key file with mode 0600: readers see no file or the whole file, and an existing
/// file is never replaced (Error{AlreadyExists}) — link(2) of a finished temporary file fails
/// with EEXIST where rename(2) would overwrite.
void write_new_key_file(const std::string& path, const Tss2KeyFile& key);

/// TPM2_Load of a key file under `parent` (Part 3 §12.2): a transient object, flushed when the
/// handle dies. Error{InvalidArgument} when this TPM refuses the blob — made by another TPM or
/// under another parent (the integrity check over the private part fails).
TrHandle load_key_file(TpmConnection& tpm, const StorageParent& parent, const Tss2KeyFile& key,
                       const std::string& path);

}  // namespace hwacme::tpm
