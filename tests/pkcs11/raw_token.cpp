#include "tests/pkcs11/raw_token.h"

#include <dlfcn.h>

#include <catch2/catch.hpp>

#include <p11-kit/pkcs11.h>

namespace hwacme::test {
namespace {

const CK_FUNCTION_LIST& fl(const void* functions) {
    return *static_cast<const CK_FUNCTION_LIST*>(functions);
}

std::string trimmed(const unsigned char* field, std::size_t size) {
    std::string s(reinterpret_cast<const char*>(field), size);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

}  // namespace

RawToken::RawToken(const std::string& module_path, const std::string& token_label,
                   const std::string& pin) {
    library_ = dlopen(module_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    REQUIRE(library_ != nullptr);
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library_, "C_GetFunctionList"));
    REQUIRE(get_list != nullptr);
    CK_FUNCTION_LIST* list = nullptr;
    REQUIRE(get_list(&list) == CKR_OK);
    functions_ = list;
    CK_RV rv = list->C_Initialize(nullptr);
    REQUIRE((rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED));
    initialised_here_ = rv == CKR_OK;

    CK_ULONG count = 0;
    REQUIRE(list->C_GetSlotList(CK_TRUE, nullptr, &count) == CKR_OK);
    std::vector<CK_SLOT_ID> slots(count);
    REQUIRE(list->C_GetSlotList(CK_TRUE, slots.data(), &count) == CKR_OK);
    bool found = false;
    for (CK_SLOT_ID slot : slots) {
        CK_TOKEN_INFO info{};
        if (list->C_GetTokenInfo(slot, &info) == CKR_OK &&
            trimmed(info.label, sizeof info.label) == token_label) {
            slot_ = slot;
            found = true;
        }
    }
    REQUIRE(found);
    CK_SESSION_HANDLE session = 0;
    REQUIRE(list->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                &session) == CKR_OK);
    session_ = session;
    rv = list->C_Login(session_, CKU_USER,
                       reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.data())), pin.size());
    REQUIRE((rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN));
}

RawToken::~RawToken() {
    fl(functions_).C_CloseSession(session_);
    if (initialised_here_) fl(functions_).C_Finalize(nullptr);
    dlclose(library_);
}

std::optional<unsigned long> RawToken::find(unsigned long object_class, const std::string& label) {
    CK_OBJECT_CLASS cls = object_class;
    CK_ATTRIBUTE match[] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
    auto& f = fl(functions_);
    REQUIRE(f.C_FindObjectsInit(session_, match, 2) == CKR_OK);
    CK_OBJECT_HANDLE handles[2];
    CK_ULONG n = 0;
    CK_RV rv = f.C_FindObjects(session_, handles, 2, &n);
    f.C_FindObjectsFinal(session_);
    REQUIRE(rv == CKR_OK);
    REQUIRE(n <= 1);
    if (n == 0) return std::nullopt;
    return handles[0];
}

unsigned long RawToken::get(unsigned long object, unsigned long type, Bytes* value) {
    CK_ATTRIBUTE a{type, nullptr, 0};
    auto& f = fl(functions_);
    CK_RV rv = f.C_GetAttributeValue(session_, object, &a, 1);
    if (rv != CKR_OK || !value) return rv;
    value->resize(a.ulValueLen);
    a.pValue = value->data();
    return f.C_GetAttributeValue(session_, object, &a, 1);
}

bool RawToken::flag(unsigned long object, unsigned long type) {
    Bytes value;
    REQUIRE(get(object, type, &value) == CKR_OK);
    REQUIRE(value.size() == 1);
    return value[0] != CK_FALSE;
}

void RawToken::generate_extractable_ec(const std::string& label, const Bytes& id) {
    static const unsigned char p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub[] = {{CKA_TOKEN, &yes, 1},
                          {CKA_VERIFY, &yes, 1},
                          {CKA_EC_PARAMS, const_cast<unsigned char*>(p256), sizeof p256},
                          {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
                          {CKA_ID, const_cast<std::uint8_t*>(id.data()), id.size()}};
    CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &yes, 1},
                           {CKA_PRIVATE, &yes, 1},
                           {CKA_SENSITIVE, &yes, 1},
                           {CKA_EXTRACTABLE, &yes, 1},
                           {CKA_SIGN, &yes, 1},
                           {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
                           {CKA_ID, const_cast<std::uint8_t*>(id.data()), id.size()}};
    CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_handle = 0, priv_handle = 0;
    REQUIRE(fl(functions_)
                .C_GenerateKeyPair(session_, &mechanism, pub, 5, priv, 7, &pub_handle,
                                   &priv_handle) == CKR_OK);
}

void RawToken::generate_ec(const std::string& label, const std::optional<Bytes>& id,
                           bool pin_per_signature) {
    static const unsigned char p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    std::vector<CK_ATTRIBUTE> pub{{CKA_TOKEN, &yes, 1},
                                  {CKA_VERIFY, &yes, 1},
                                  {CKA_EC_PARAMS, const_cast<unsigned char*>(p256), sizeof p256},
                                  {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
    std::vector<CK_ATTRIBUTE> priv{
        {CKA_TOKEN, &yes, 1},     {CKA_PRIVATE, &yes, 1},
        {CKA_SENSITIVE, &yes, 1}, {CKA_EXTRACTABLE, &no, 1},
        {CKA_SIGN, &yes, 1},      {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
    if (pin_per_signature) priv.push_back({CKA_ALWAYS_AUTHENTICATE, &yes, 1});
    if (id) {
        pub.push_back({CKA_ID, const_cast<std::uint8_t*>(id->data()), id->size()});
        priv.push_back({CKA_ID, const_cast<std::uint8_t*>(id->data()), id->size()});
    }
    CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_handle = 0, priv_handle = 0;
    REQUIRE(fl(functions_)
                .C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(),
                                   priv.size(), &pub_handle, &priv_handle) == CKR_OK);
}

void RawToken::create_certificate(const std::string& label, const Bytes& id, const Bytes& subject,
                                  const Bytes& der) {
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE object[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_CERTIFICATE_TYPE, &type, sizeof type},
        {CKA_TOKEN, &yes, 1},
        {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
        {CKA_ID, const_cast<std::uint8_t*>(id.data()), id.size()},
        {CKA_SUBJECT, const_cast<std::uint8_t*>(subject.data()), subject.size()},
        {CKA_VALUE, const_cast<std::uint8_t*>(der.data()), der.size()}};
    CK_OBJECT_HANDLE handle = 0;
    REQUIRE(fl(functions_).C_CreateObject(session_, object, 7, &handle) == CKR_OK);
}

void RawToken::destroy(unsigned long object) {
    REQUIRE(fl(functions_).C_DestroyObject(session_, object) == CKR_OK);
}

unsigned long RawToken::token_flags() {
    CK_TOKEN_INFO info{};
    REQUIRE(fl(functions_).C_GetTokenInfo(slot_, &info) == CKR_OK);
    return info.flags;
}

}  // namespace hwacme::test
