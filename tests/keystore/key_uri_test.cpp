#include "keystore/key_uri.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/error.h"

using hwacme::Errc;
using hwacme::Error;
using hwacme::keystore::KeyUri;

namespace {

using Attributes = KeyUri::Attributes;

// parse(str()) must give back the same URI, and str() must be stable.
void check_round_trip(const KeyUri& uri) {
    INFO("str() = " << uri.str());
    KeyUri again = KeyUri::parse(uri.str());
    CHECK(again == uri);
    CHECK(again.str() == uri.str());
}

// Every way parse() may refuse a text is InvalidUri; the message names the reason.
void check_invalid(const std::string& text, const std::string& reason) {
    INFO("parsing " << text);
    try {
        KeyUri::parse(text);
        FAIL("parsed without error");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::InvalidUri);
        CHECK_THAT(e.what(), Catch::Contains(reason));
    }
}

}  // namespace

TEST_CASE("file URIs in every shape give the decoded absolute path", "[unit]") {
    for (std::string text :
         {"file:/var/lib/hwacme/account.pem", "file:///var/lib/hwacme/account.pem",
          "file://localhost/var/lib/hwacme/account.pem", "FILE:/var/lib/hwacme/account.pem"}) {
        INFO(text);
        KeyUri uri = KeyUri::parse(text);
        CHECK(uri.scheme() == "file");
        CHECK(uri.path() == "/var/lib/hwacme/account.pem");
        CHECK(uri.path_attributes().empty());
        CHECK(uri.query_attributes().empty());
        CHECK(uri.original() == text);
        CHECK(uri.str() == "file:/var/lib/hwacme/account.pem");
    }
}

TEST_CASE("relative file URIs keep the path as given", "[unit]") {
    KeyUri uri = KeyUri::parse("file:keys/web.pem");
    CHECK(uri.path() == "keys/web.pem");
    CHECK(uri.str() == "file:keys/web.pem");
    check_round_trip(uri);
    CHECK(KeyUri::parse("file:./web.pem").path() == "./web.pem");
}

TEST_CASE("file URI paths are percent-decoded and re-encoded where needed", "[unit]") {
    KeyUri uri = KeyUri::parse("file:/srv/my%20keys/%C3%A1%3F%23%25.pem");
    CHECK(uri.path() == "/srv/my keys/\xC3\xA1?#%.pem");
    CHECK(uri.str() == "file:/srv/my%20keys/%C3%A1%3F%23%25.pem");
    check_round_trip(uri);
}

TEST_CASE("KeyUri::file builds a URI that parses back to the same path", "[unit]") {
    for (std::string path :
         {"/etc/hwacme/a b.pem", "rel/x.pem", "//double/slash.pem", "/odd;chars=&?#%.pem"}) {
        KeyUri uri = KeyUri::file(path);
        CHECK(uri.path() == path);
        CHECK(uri.original() == uri.str());
        CHECK(KeyUri::parse(uri.str()).path() == path);
        check_round_trip(uri);
    }
    CHECK_THROWS_AS(KeyUri::file(""), Error);
}

TEST_CASE("file URIs that name no local path are refused", "[unit]") {
    check_invalid("file:", "empty");
    check_invalid("file://", "empty");
    check_invalid("file://localhost", "empty");
    check_invalid("file://example.com/etc/key.pem", "'example.com'");
    check_invalid("file:/etc/key.pem?x=1", "no query");
    check_invalid("file:/etc/key.pem#frag", "no query");
    check_invalid("file:/etc/%zzkey.pem", "bad percent-escape '%zz'");
    check_invalid("file:/etc/key%00.pem", "NUL");
}

TEST_CASE("URIs without a known scheme are refused naming the schemes known", "[unit]") {
    check_invalid("/etc/key.pem", "no scheme");
    check_invalid(":token=x", "no scheme");
    check_invalid("", "no scheme");
    check_invalid("https://example.com/key",
                  "unknown key URI scheme 'https:' (known: file, pkcs11, tpm2)");
    check_invalid("pkcs12:token=x", "unknown key URI scheme 'pkcs12:'");
}

TEST_CASE("RFC 7512 example: public key object by label and type", "[unit]") {
    KeyUri uri = KeyUri::parse("pkcs11:object=my-pubkey;type=public");
    CHECK(uri.scheme() == "pkcs11");
    CHECK(uri.path().empty());
    CHECK(uri.path_attributes() == Attributes{{"object", "my-pubkey"}, {"type", "public"}});
    CHECK(uri.query_attributes().empty());
    CHECK(uri.str() == "pkcs11:object=my-pubkey;type=public");
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: private key with a pin-source query", "[unit]") {
    KeyUri uri = KeyUri::parse("pkcs11:object=my-key;type=private?pin-source=file:/etc/token");
    CHECK(uri.attribute("object") == "my-key");
    CHECK(uri.attribute("type") == "private");
    CHECK(uri.query("pin-source") == "file:/etc/token");
    CHECK(uri.attribute("pin-source") == std::nullopt);
    CHECK(uri.query("object") == std::nullopt);
    CHECK(uri.str() == "pkcs11:object=my-key;type=private?pin-source=file:/etc/token");
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: certificate with binary id and empty serial", "[unit]") {
    KeyUri uri = KeyUri::parse(
        "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;"
        "model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial="
        "?pin-source=file:/etc/token_pin");
    CHECK(uri.path_attributes() ==
          Attributes{{"token", "The Software PKCS#11 Softtoken"},
                     {"manufacturer", "Snake Oil, Inc."},
                     {"model", "1.0"},
                     {"object", "my-certificate"},
                     {"type", "cert"},
                     {"id", std::string("\x69\x95\x3E\x5C\xF4\xBD\xEC\x91", 8)},
                     {"serial", ""}});
    CHECK(uri.attribute("id")->size() == 8);
    CHECK(uri.attribute("serial") == "");
    CHECK(uri.query_attributes() == Attributes{{"pin-source", "file:/etc/token_pin"}});
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: token and manufacturer with an inline pin-value", "[unit]") {
    KeyUri uri = KeyUri::parse(
        "pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc."
        "?pin-value=the-pin");
    CHECK(uri.attribute("token") == "Software PKCS#11 softtoken");
    CHECK(uri.attribute("manufacturer") == "Snake Oil, Inc.");
    CHECK(uri.query("pin-value") == "the-pin");
    CHECK(uri.str() ==
          "pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc."
          "?pin-value=the-pin");
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: slot description", "[unit]") {
    KeyUri uri = KeyUri::parse("pkcs11:slot-description=Sun%20Metaslot");
    CHECK(uri.path_attributes() == Attributes{{"slot-description", "Sun Metaslot"}});
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: library attributes", "[unit]") {
    KeyUri uri = KeyUri::parse(
        "pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%"
        "20Library;"
        "library-version=1.23");
    CHECK(uri.path_attributes() == Attributes{{"library-manufacturer", "Snake Oil, Inc."},
                                              {"library-description", "Soft Token Library"},
                                              {"library-version", "1.23"}});
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: token name with an encoded '%' and ';'", "[unit]") {
    KeyUri uri = KeyUri::parse(
        "pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert");
    CHECK(uri.attribute("token") == "A name with a substring %;");
    CHECK(uri.attribute("object") == "my-certificate");
    CHECK(uri.attribute("type") == "cert");
    CHECK(uri.str() ==
          "pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert");
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: UTF-8 token name", "[unit]") {
    KeyUri uri = KeyUri::parse(
        "pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;"
        "type=cert");
    CHECK(uri.attribute("token") == "Name with a small A with acute: \xC3\xA1");
    CHECK(uri.str() ==
          "pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;"
          "type=cert");
    check_round_trip(uri);
}

TEST_CASE("RFC 7512 example: vendor attributes in path and query", "[unit]") {
    KeyUri uri = KeyUri::parse(
        "pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a"
        "?pin-source=file:/etc/token_pin&vendor-bbb=value-b");
    CHECK(uri.attribute("vendor-aaa") == "value-a");
    CHECK(uri.query_attributes() ==
          Attributes{{"pin-source", "file:/etc/token_pin"}, {"vendor-bbb", "value-b"}});
    CHECK(uri.str() ==
          "pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a"
          "?pin-source=file:/etc/token_pin&vendor-bbb=value-b");
    check_round_trip(uri);
}

TEST_CASE("an empty pkcs11 URI is valid and means any token", "[unit]") {
    KeyUri uri = KeyUri::parse("pkcs11:");
    CHECK(uri.scheme() == "pkcs11");
    CHECK(uri.path_attributes().empty());
    CHECK(uri.query_attributes().empty());
    CHECK(uri.str() == "pkcs11:");
    CHECK(KeyUri::parse("pkcs11:?pin-source=file:/p").query("pin-source") == "file:/p");
}

TEST_CASE("tpm2 URIs carry a key file path or a persistent handle", "[unit]") {
    KeyUri by_path = KeyUri::parse("tpm2:path=/var/lib/hwacme/keys/web.tss2.pem");
    CHECK(by_path.scheme() == "tpm2");
    CHECK(by_path.attribute("path") == "/var/lib/hwacme/keys/web.tss2.pem");
    CHECK(by_path.path().empty());
    CHECK(by_path.str() == "tpm2:path=/var/lib/hwacme/keys/web.tss2.pem");
    check_round_trip(by_path);

    KeyUri by_handle = KeyUri::parse("tpm2:handle=0x81000002");
    CHECK(by_handle.attribute("handle") == "0x81000002");
    CHECK(by_handle.str() == "tpm2:handle=0x81000002");
    check_round_trip(by_handle);
}

TEST_CASE("query attributes may repeat; query() gives the first", "[unit]") {
    KeyUri uri = KeyUri::parse("pkcs11:token=t?x-a=1&x-a=2");
    CHECK(uri.query_attributes() == Attributes{{"x-a", "1"}, {"x-a", "2"}});
    CHECK(uri.query("x-a") == "1");
    check_round_trip(uri);
}

TEST_CASE("attribute URIs that break RFC 7512 grammar are refused", "[unit]") {
    check_invalid("pkcs11:token=a;token=b", "path attribute 'token' appears twice");
    check_invalid("pkcs11:token", "attribute 'token' has no '='");
    check_invalid("pkcs11:token=a?pin-source", "attribute 'pin-source' has no '='");
    check_invalid("pkcs11:token=a%2", "bad percent-escape '%2'");
    check_invalid("pkcs11:token=a%g1", "bad percent-escape '%g1'");
    check_invalid("pkcs11:token=a%", "bad percent-escape '%'");
    check_invalid("pkcs11:=value", "empty name");
    check_invalid("pkcs11:Token=a", "attribute name 'Token'");
    check_invalid("pkcs11:to ken=a", "attribute name 'to ken'");
    check_invalid("pkcs11:token=a;;object=b", "empty attribute");
    check_invalid("pkcs11:token=a;", "empty attribute");
    check_invalid("pkcs11:token=a?x-a=1&&x-b=2", "empty attribute");
    check_invalid("tpm2:handle=0x81000002;handle=0x81000003", "appears twice");
}

TEST_CASE("an inline PIN never appears in a parse error message", "[unit]") {
    try {
        KeyUri::parse("pkcs11:token=a;token=b?pin-value=s3cr3t&x-a=1");
        FAIL("parsed without error");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), !Catch::Contains("s3cr3t"));
        CHECK_THAT(e.what(), Catch::Contains("pin-value=***"));
    }
    try {
        KeyUri::parse("pkcs11:token=a?pin-value=s3%zzcr3t");
        FAIL("parsed without error");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), !Catch::Contains("s3") && !Catch::Contains("zz"));
        CHECK_THAT(e.what(), Catch::Contains("bad percent-escape in pin-value"));
    }
}

TEST_CASE("str() percent-encodes values outside RFC 7512's character sets", "[unit]") {
    KeyUri uri = KeyUri::with_attributes(
        "pkcs11", {{"token", "a b;c/d?e&f=g%h"}, {"id", std::string("\x00\xFF", 2)}},
        {{"pin-source", "file:/etc/pin?x|y"}, {"x-q", "a&b;c d"}});
    CHECK(uri.str() ==
          "pkcs11:token=a%20b%3Bc%2Fd%3Fe&f=g%25h;id=%00%FF"
          "?pin-source=file:/etc/pin?x|y&x-q=a%26b%3Bc%20d");
    CHECK(uri.original() == uri.str());
    CHECK(uri.attribute("id") == std::string("\x00\xFF", 2));
    check_round_trip(uri);
}

TEST_CASE("with_attributes validates like parse", "[unit]") {
    CHECK_THROWS_AS(KeyUri::with_attributes("pkcs11", {{"a", "1"}, {"a", "2"}}), Error);
    CHECK_THROWS_AS(KeyUri::with_attributes("pkcs11", {{"Bad", "1"}}), Error);
    CHECK_THROWS_AS(KeyUri::with_attributes("ftp", {{"a", "1"}}), Error);
    CHECK_THROWS_AS(KeyUri::with_attributes("file", {{"a", "1"}}), Error);
    KeyUri uri = KeyUri::with_attributes("tpm2", {{"handle", "0x81000002"}});
    CHECK(uri == KeyUri::parse("tpm2:handle=0x81000002"));
}

TEST_CASE("URIs differing only in percent-encoding compare equal", "[unit]") {
    CHECK(KeyUri::parse("pkcs11:object=my-key") == KeyUri::parse("pkcs11:object=%6Dy%2dkey"));
    CHECK_FALSE(KeyUri::parse("pkcs11:object=a;type=private") ==
                KeyUri::parse("pkcs11:type=private;object=a"));
    CHECK(KeyUri::parse("file:/a%20b") == KeyUri::parse("file:///a b"));
}
