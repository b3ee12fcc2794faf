#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace hwacme {

/// The text of a member of a JSON object read from a CA or a state file; empty when the member
/// is absent or not a string, for the caller to decide whether that is an error.
inline std::string string_member(const boost::json::object& obj, std::string_view key) {
    if (auto* v = obj.if_contains(key); v && v->is_string()) return std::string(v->as_string());
    return {};
}

}  // namespace hwacme
