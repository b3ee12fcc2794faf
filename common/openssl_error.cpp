#include "common/openssl_error.h"

#include <openssl/err.h>

namespace hwacme {

std::string openssl_message(const std::string& what) {
    std::string reasons;
    while (unsigned long err = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(err, buf, sizeof buf);
        if (!reasons.empty()) reasons += "; ";
        reasons += buf;
    }
    return reasons.empty() ? what : what + ": " + reasons;
}

void throw_openssl(const std::string& what, Errc code) {
    throw Error(code, openssl_message(what));
}

}  // namespace hwacme
