#include "agent/custody/remote_key_change.h"

#include "common/error.h"

namespace hwacme::custody {

std::string RemoteKeyChange::inner_jws(const std::string& url, const std::string& account_url,
                                       const EVP_PKEY*) const {
    auto reply = client_.ask(KeyChangeRequest{url, account_url});
    const auto* jws = std::get_if<JwsReply>(&reply);
    if (!jws)
        throw Error(Errc::Protocol, "key custody answered a key change request with another reply");
    return jws->text;
}

}  // namespace hwacme::custody
