#include "agent/config/json_locator.h"

#include <algorithm>
#include <set>
#include <vector>

namespace hwacme::config {

/// One pass over the text, keeping a stack of the open objects and arrays and the path of each.
class LocatorScan {
public:
    LocatorScan(std::string_view text, JsonLocator& out) : text_(text), out_(out) {}

    void run() {
        while (skip_blanks()) {
            char c = text_[pos_];
            if (c == ',' || c == ':') {
                if (c == ',' && !stack_.empty() && !stack_.back().is_array)
                    stack_.back().expecting_name = true;
                ++pos_;
            } else if (c == '}' || c == ']') {
                if (!stack_.empty()) stack_.pop_back();
                ++pos_;
            } else if (c == '"' && expecting_name()) {
                read_member_name();
            } else {
                read_value_start(c);
            }
        }
    }

private:
    struct Frame {
        std::string path;
        bool is_array = false;
        std::size_t next_index = 0;  // arrays: counted per element, so a trailing comma is no slot
        bool expecting_name = true;  // objects
        std::string member_path;     // objects: the member whose value comes next
        std::set<std::string> names;
    };

    bool expecting_name() const {
        return !stack_.empty() && !stack_.back().is_array && stack_.back().expecting_name;
    }

    void read_member_name() {
        unsigned line = line_;
        std::string name = read_string();
        Frame& object = stack_.back();
        object.expecting_name = false;
        object.member_path = object.path.empty() ? name : object.path + "." + name;
        if (!object.names.insert(name).second && !out_.first_duplicate_)
            out_.first_duplicate_ = object.member_path;
        // The parser keeps the last of repeated names: so does the line.
        out_.lines_.insert_or_assign(object.member_path, line);
    }

    void read_value_start(char c) {
        std::string path;
        if (stack_.empty()) {
            out_.lines_.try_emplace("", line_);
        } else if (stack_.back().is_array) {
            Frame& array = stack_.back();
            path = array.path + "[" + std::to_string(array.next_index++) + "]";
            out_.lines_.try_emplace(path, line_);
        } else {
            path = stack_.back().member_path;
        }
        if (c == '{' || c == '[') {
            Frame& opened = stack_.emplace_back();
            opened.path = std::move(path);
            opened.is_array = c == '[';
            ++pos_;
        } else if (c == '"') {
            read_string();
        } else {
            skip_scalar();
        }
    }

    /// Skips white space and comments; false at the end of the text.
    bool skip_blanks() {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n') {
                ++line_;
                ++pos_;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                ++pos_;
            } else if (text_.substr(pos_, 2) == "//") {
                pos_ = std::min(text_.find('\n', pos_), text_.size());
            } else if (text_.substr(pos_, 2) == "/*") {
                std::size_t end = text_.find("*/", pos_ + 2);
                end = end == std::string_view::npos ? text_.size() : end + 2;
                line_ += std::count(text_.begin() + pos_, text_.begin() + end, '\n');
                pos_ = end;
            } else {
                return true;
            }
        }
        return false;
    }

    /// Numbers, true, false, null — and, in text that is not JSON, anything else: always moves.
    void skip_scalar() {
        ++pos_;
        while (pos_ < text_.size() &&
               std::string_view(",:{}[]\" \t\r\n/").find(text_[pos_]) == std::string_view::npos)
            ++pos_;
    }

    /// Reads a string token from its opening quote and returns it decoded, as the parser keys
    /// its objects, so the paths here match the names the reader looks up.
    std::string read_string() {
        std::string out;
        ++pos_;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            char c = text_[pos_++];
            if (c == '\n') ++line_;  // not JSON, but keeps later lines right
            if (c != '\\' || pos_ >= text_.size()) {
                out += c;
                continue;
            }
            char escaped = text_[pos_++];
            switch (escaped) {
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u':
                    append_utf8(out, read_code_point());
                    break;
                default:
                    out += escaped;  // \" \\ \/
            }
        }
        ++pos_;
        return out;
    }

    /// The code point of a \uXXXX escape whose "\u" was read, joining a UTF-16 surrogate pair.
    char32_t read_code_point() {
        char32_t unit = read_hex4();
        if (unit >= 0xD800 && unit < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            char32_t low = read_hex4();
            return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        return unit;
    }

    char32_t read_hex4() {
        char32_t value = 0;
        for (int i = 0; i < 4 && pos_ < text_.size(); ++i, ++pos_) {
            char c = text_[pos_];
            int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : 0;
            value = value * 16 + digit;
        }
        return value;
    }

    static void append_utf8(std::string& out, char32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string_view text_;
    JsonLocator& out_;
    std::size_t pos_ = 0;
    unsigned line_ = 1;
    std::vector<Frame> stack_;
};

JsonLocator::JsonLocator(std::string_view text) {
    LocatorScan(text, *this).run();
}

namespace {

/// "a.b[2]" -> "a.b", "a.b" -> "a", "a" -> "".
std::string parent_path(std::string_view path) {
    std::size_t cut = path.back() == ']' ? path.rfind('[') : path.rfind('.');
    return std::string(path.substr(0, cut == std::string_view::npos ? 0 : cut));
}

}  // namespace

unsigned JsonLocator::line_of(std::string_view path) const {
    std::string current(path);
    while (true) {
        if (auto it = lines_.find(current); it != lines_.end()) return it->second;
        if (current.empty()) return 1;
        current = parent_path(current);
    }
}

unsigned line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    if (offset == text.size() && offset > 0 && text.back() == '\n') --offset;
    return 1 + static_cast<unsigned>(std::count(text.begin(), text.begin() + offset, '\n'));
}

}  // namespace hwacme::config
