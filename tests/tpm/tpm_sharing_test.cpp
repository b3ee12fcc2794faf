#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include "tpm/resource_manager.h"
#include "tpm/tpm_host_lock.h"

using hwacme::tpm::describe_resource_manager;
using hwacme::tpm::resource_manager_of;
using hwacme::tpm::ResourceManager;
using hwacme::tpm::TpmHostLock;

TEST_CASE("the TCTI string tells whether a resource manager stands before the TPM", "[unit]") {
    CHECK(resource_manager_of("device:/dev/tpmrm0") == ResourceManager::Kernel);
    CHECK(resource_manager_of("device:/dev/tpmrm1") == ResourceManager::Kernel);
    CHECK(resource_manager_of("tabrmd") == ResourceManager::Abrmd);
    CHECK(resource_manager_of("tabrmd:bus_type=session") == ResourceManager::Abrmd);
    CHECK(resource_manager_of("libtss2-tcti-tabrmd.so.0") == ResourceManager::Abrmd);
    // The device TCTI opens /dev/tpm0 when no path is given.
    CHECK(resource_manager_of("device") == ResourceManager::None);
    CHECK(resource_manager_of("device:/dev/tpm0") == ResourceManager::None);
    CHECK(resource_manager_of("swtpm:host=127.0.0.1,port=2321") == ResourceManager::None);
    CHECK(resource_manager_of("mssim") == ResourceManager::None);
    CHECK(describe_resource_manager("device:/dev/tpmrm0") == "kernel (device:/dev/tpmrm0)");
    CHECK(describe_resource_manager("swtpm").rfind("none (swtpm): ", 0) == 0);
}

TEST_CASE("the TPM lock is exclusive only while no other run holds it", "[unit]") {
    hwacme::test::TempDir tmp("hwacme-tpm-lock");
    auto file = tmp / "state" / "tpm.lock";
    TpmHostLock first(file);
    TpmHostLock second(file);
    first.share();
    CHECK_FALSE(second.try_exclusive());
    second.share();  // runs that only use the TPM share it
    {
        TpmHostLock third(file);
        CHECK_FALSE(third.try_exclusive());
    }
    TpmHostLock alone(tmp / "state" / "other.lock");
    CHECK(alone.try_exclusive());
    alone.share();
}

TEST_CASE("the TPM lock's folder and file are private whatever the umask", "[unit]") {
    hwacme::test::TempDir tmp("hwacme-tpm-lock");
    mode_t old = ::umask(0);
    TpmHostLock lock(tmp / "state" / "tpm.lock");
    ::umask(old);
    struct stat folder {};
    struct stat file {};
    REQUIRE(::stat((tmp / "state").c_str(), &folder) == 0);
    REQUIRE(::stat((tmp / "state" / "tpm.lock").c_str(), &file) == 0);
    CHECK((folder.st_mode & 07777) == 0700);
    CHECK((file.st_mode & 07777) == 0600);
}

TEST_CASE("the TPM lock follows no link placed where it should be", "[unit]") {
    hwacme::test::TempDir tmp("hwacme-tpm-lock");
    std::filesystem::create_directories(tmp / "state");
    std::filesystem::create_symlink(tmp / "elsewhere", tmp / "state" / "tpm.lock");
    CHECK_THROWS_WITH(TpmHostLock(tmp / "state" / "tpm.lock"),
                      Catch::Contains("cannot open the TPM lock"));
    CHECK_FALSE(std::filesystem::exists(tmp / "elsewhere"));
}
