#pragma once

namespace hwacme {

/// Keeps tpm2-tss from printing its own lines (WARNING:tcti…, ERROR:esys…) unless -v: the
/// Error hwacme raises already names the decoded code, and a PKCS#11 proxy makes the TSS probe
/// TPMs the operator never named. The TSS reads TSS2_LOG when it first logs, so this runs before
/// the first TSS call; an operator's own TSS2_LOG wins.
void quiet_tss_logs();

/// While it lives, what libraries write to stderr is dropped, unless -v. For module loading: the
/// p11-kit proxy loads every module on the machine, and some (tpm2-pkcs11) print errors about
/// devices that have nothing to do with the token asked for. Not for the operator's own
/// messages: hwacme's log goes to the same descriptor, so keep the scope to the library call.
class QuietStderr {
public:
    QuietStderr();
    ~QuietStderr();
    QuietStderr(const QuietStderr&) = delete;
    QuietStderr& operator=(const QuietStderr&) = delete;

private:
    int saved_ = -1;
};

}  // namespace hwacme
