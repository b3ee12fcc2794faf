#include "agent/acme/dns_name.h"

#include <cctype>

namespace hwacme::acme {
namespace {

constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

bool is_ldh(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}

std::optional<std::string> label_problem(std::string_view label) {
    if (label.empty()) return "has an empty label";
    if (label.size() > kMaxLabelLength) return "has a label longer than 63 characters";
    for (char c : label)
        if (!is_ldh(c)) return "has a character other than letters, digits, '-' and '.'";
    if (label.front() == '-' || label.back() == '-')
        return "has a label that starts or ends with '-'";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> dns_name_problem(std::string_view name) {
    if (name.empty()) return "is empty";
    if (name.size() > kMaxNameLength) return "is longer than 253 characters";
    if (name.starts_with("*.")) name.remove_prefix(2);
    for (;;) {
        auto dot = name.find('.');
        if (auto problem = label_problem(name.substr(0, dot))) return problem;
        if (dot == std::string_view::npos) return std::nullopt;
        name.remove_prefix(dot + 1);
    }
}

}  // namespace hwacme::acme
