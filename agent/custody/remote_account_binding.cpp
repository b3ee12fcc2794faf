#include "agent/custody/remote_account_binding.h"

#include "common/error.h"

namespace hwacme::custody {

// The account key is custody's own account key: the network process names no key.
std::string RemoteAccountBinding::bind(const signing::RequestSigner&,
                                       const std::string& url) const {
    auto reply = client_.ask(EabRequest{kid_, url});
    const auto* jws = std::get_if<JwsReply>(&reply);
    if (!jws) throw Error(Errc::Protocol, "key custody answered an EAB request with another reply");
    return jws->text;
}

}  // namespace hwacme::custody
