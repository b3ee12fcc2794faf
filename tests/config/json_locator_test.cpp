#include <catch2/catch.hpp>

#include "agent/config/json_locator.h"

using hwacme::config::JsonLocator;
using hwacme::config::line_at;

TEST_CASE("the locator finds members and array elements by path", "[unit]") {
    JsonLocator lines(
        "{\n"                                      // 1
        "  \"ca\": {\n"                            // 2
        "    \"directory\": \"https://x/dir\",\n"  // 3
        "    \"eab\": {\"kid\": \"k\",\n"          // 4
        "            \"alg\": \"HS256\"}\n"        // 5
        "  },\n"                                   // 6
        "  \"certificates\": [\n"                  // 7
        "    {\"name\": \"a\"},\n"                 // 8
        "    {\n"                                  // 9
        "      \"identifiers\": [\"x\",\n"         // 10
        "                      \"y\"]\n"           // 11
        "    }\n"                                  // 12
        "  ]\n"                                    // 13
        "}\n");
    CHECK(lines.line_of("") == 1);
    CHECK(lines.line_of("ca") == 2);
    CHECK(lines.line_of("ca.directory") == 3);
    CHECK(lines.line_of("ca.eab.kid") == 4);
    CHECK(lines.line_of("ca.eab.alg") == 5);
    CHECK(lines.line_of("certificates") == 7);
    CHECK(lines.line_of("certificates[0]") == 8);
    CHECK(lines.line_of("certificates[0].name") == 8);
    CHECK(lines.line_of("certificates[1]") == 9);
    CHECK(lines.line_of("certificates[1].identifiers[0]") == 10);
    CHECK(lines.line_of("certificates[1].identifiers[1]") == 11);
    CHECK_FALSE(lines.first_duplicate());
}

TEST_CASE("a missing path gets the line of its nearest ancestor", "[unit]") {
    JsonLocator lines("{\n\"ca\": {\n\"directory\": \"u\"\n},\n\"certificates\": [\n{\n}\n]\n}");
    CHECK(lines.line_of("ca.account_key") == 2);
    CHECK(lines.line_of("certificates[0].key") == 6);
    CHECK(lines.line_of("certificates[4].key") == 5);
    CHECK(lines.line_of("nowhere.at.all") == 1);
}

TEST_CASE("comments and strings that look like structure do not move the locator", "[unit]") {
    JsonLocator lines(
        "// a { comment [ with \"quotes\n"                         // 1
        "{ /* a block\n"                                           // 2
        "   comment }] spanning lines */\n"                        // 3
        "  \"url\": \"https://a/b//c\", \"brace\": \"}{][,:\",\n"  // 4
        "  \"quote\": \"say \\\"hi\\\" // not a comment\",\n"      // 5
        "  \"list\": [1, /* 2, */ 3,],\n"                          // 6
        "  \"esc\\u0061ped\": true, // ends here\n"                // 7
        "  \"last\": null,\n"                                      // 8
        "}\n");
    CHECK(lines.line_of("url") == 4);
    CHECK(lines.line_of("brace") == 4);
    CHECK(lines.line_of("quote") == 5);
    CHECK(lines.line_of("list[0]") == 6);
    CHECK(lines.line_of("list[1]") == 6);
    CHECK(lines.line_of("escaped") == 7);
    CHECK(lines.line_of("last") == 8);
    CHECK(lines.line_of("list[2]") == 6);  // the trailing comma opens no element: "list" itself
}

TEST_CASE("the locator names the first member that appears twice in one object", "[unit]") {
    CHECK(JsonLocator("{\"a\": {\"b\": 1, \"c\": 2, \"b\": 3}, \"a2\": 1}").first_duplicate() ==
          std::optional<std::string>("a.b"));
    CHECK_FALSE(JsonLocator("[{\"b\": 1}, {\"b\": 2}]").first_duplicate());
}

TEST_CASE("the locator stops quietly on text that is not JSON", "[unit]") {
    for (const char* text : {"", "{", "}}]]", "{\"a\": [1, {\"b\"", "/* open", "\"\\u12", "/"}) {
        INFO(text);
        JsonLocator lines(text);
        CHECK(lines.line_of("a.b") >= 1);
    }
}

TEST_CASE("line_at counts lines to an offset", "[unit]") {
    CHECK(line_at("abc", 0) == 1);
    CHECK(line_at("a\nb\nc", 4) == 3);
    CHECK(line_at("a\nb\n", 4) == 2);  // the end of text after its last newline
    CHECK(line_at("a\nb", 99) == 2);
}
