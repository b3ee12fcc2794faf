#include "agent/manage/deploy_hook.h"

#include "common/child_process.h"
#include "common/error.h"

namespace hwacme::manage {

void run_deploy_hook(const std::string& hook, const DeployEvent& event) {
    if (hook.empty()) throw Error(Errc::InvalidArgument, "the deploy hook is an empty path");
    ChildEnvironment environment;
    auto set = [&](const char* name, const std::string& value) {
        environment.set.push_back(std::string(name) + "=" + value);
    };
    set("HWACME_CERT_NAME", event.name);
    set("HWACME_CERT_PATH", event.cert_path);
    set("HWACME_CHAIN_PATH", event.chain_path);
    set("HWACME_FULLCHAIN_PATH", event.fullchain_path);
    set("HWACME_KEY_URI", event.key_uri);
    // An inherited HWACME_KEY_PATH would name some other key: it is set or absent, never stale.
    if (event.key_path.empty())
        environment.remove.push_back("HWACME_KEY_PATH");
    else
        set("HWACME_KEY_PATH", event.key_path);
    set("HWACME_SERIAL", event.serial_hex);
    set("HWACME_NOT_AFTER", event.not_after);
    set("HWACME_LIVE_DIR", event.live_dir);
    // The token PIN is hwacme's secret; a hook that restarts a web server has no use for it.
    environment.remove.push_back("HWACME_PKCS11_PIN");

    auto outcome = run_child({hook}, environment);
    if (outcome.start_error != 0)
        throw Error(Errc::InvalidArgument,
                    "cannot run the deploy hook " + hook + ": " + outcome.describe());
    if (!outcome.succeeded())
        throw Error(Errc::InvalidArgument,
                    "the deploy hook " + hook + " failed (" + outcome.describe() + ")");
}

}  // namespace hwacme::manage
