#include "common/parsers/internal/python_literal.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <set>
#include <string>

#include "common/parsers/internal/text_scan.h"

namespace smg::parsers::internal {
namespace {

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) {
  return is_name_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0;
}

void append_utf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

class PythonParser {
 public:
  explicit PythonParser(std::string_view source) : text_(source) {}

  std::optional<Json> whole_value() {
    auto value = value_expr(0);
    if (!value || !at_end()) return std::nullopt;
    return value;
  }

  std::optional<std::vector<ToolCall>> whole_calls() {
    skip();
    if (!eat('[')) return std::nullopt;
    std::vector<ToolCall> calls;
    skip();
    while (!peek(']')) {
      auto call = call_expr();
      if (!call) return std::nullopt;
      calls.push_back(std::move(*call));
      skip();
      if (!eat(',')) break;
      skip();
    }
    if (!eat(']') || !at_end()) return std::nullopt;
    return calls;
  }

 private:
  void skip() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
        pos_ += 2;
      } else {
        break;
      }
    }
  }
  bool at_end() {
    skip();
    return pos_ == text_.size();
  }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  std::string_view name() {
    std::size_t start = pos_;
    if (pos_ < text_.size() && is_name_start(text_[pos_])) {
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  static bool is_keyword(std::string_view word) {
    static const std::set<std::string_view> kKeywords = {
        "and",   "as",     "assert", "async",  "await", "break",  "class",  "continue",
        "def",   "del",    "elif",   "else",   "except", "finally", "for",  "from",
        "global", "if",    "import", "in",     "is",    "lambda", "nonlocal", "not",
        "or",    "pass",   "raise",  "return", "try",   "while",  "with",   "yield"};
    return kKeywords.count(word) != 0;
  }

  std::optional<ToolCall> call_expr() {
    std::string_view function = name();
    if (function.empty() || is_keyword(function) || function == "True" || function == "False" ||
        function == "None") {
      return std::nullopt;
    }
    skip();
    if (!eat('(')) return std::nullopt;
    Json arguments = Json::object();
    skip();
    while (!peek(')')) {
      std::string_view keyword = name();
      skip();
      if (keyword.empty() || is_keyword(keyword) || !eat('=') || peek('=')) return std::nullopt;
      if (arguments.contains(keyword)) return std::nullopt;  // "keyword argument repeated"
      auto value = value_expr(1);
      if (!value) return std::nullopt;
      arguments[std::string(keyword)] = std::move(*value);
      skip();
      if (!eat(',')) break;
      skip();
    }
    if (!eat(')')) return std::nullopt;
    return ToolCall{std::string(function), dump_json(arguments)};
  }

  std::optional<Json> value_expr(int depth) {
    if (depth > kMaxPythonDepth) return std::nullopt;
    skip();
    if (eat('-')) return negated(depth);
    if (eat('+')) return value_expr(depth + 1);
    if (pos_ >= text_.size()) return std::nullopt;
    char c = text_[pos_];
    if (c == '[') return sequence(']', depth);
    if (c == '(') return parenthesized(depth);
    if (c == '{') return dict(depth);
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
        (c == '.' && pos_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])) != 0)) {
      return number(false);
    }
    if (c == '"' || c == '\'') return strings();
    std::size_t start = pos_;
    std::string_view word = name();
    if (word.empty()) return std::nullopt;
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
      pos_ = start;  // a string prefix such as r'' or b""
      return strings();
    }
    if (word == "True") return Json(true);
    if (word == "False") return Json(false);
    if (word == "None") return Json(nullptr);
    if (is_keyword(word)) return std::nullopt;
    return after_atom(Json(std::string(word)));
  }

  // A bare atom must not go on as a call, attribute, subscript or operator: SMG converts none.
  std::optional<Json> after_atom(Json value) {
    skip();
    if (pos_ < text_.size() && std::string_view(",)]}:").find(text_[pos_]) == kNpos) {
      return std::nullopt;
    }
    return value;
  }

  std::optional<Json> negated(int depth) {
    skip();
    if (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0 ||
                                text_[pos_] == '.')) {
      return number(true);
    }
    (void)depth;
    return std::nullopt;  // -x, --1, -"s": SMG refuses every operand but a number literal
  }

  std::optional<Json> sequence(char close, int depth) {
    ++pos_;
    Json items = Json::array();
    skip();
    while (!peek(close)) {
      auto item = value_expr(depth + 1);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      skip();
      if (!eat(',')) break;
      skip();
    }
    if (!eat(close)) return std::nullopt;
    return after_atom(std::move(items));
  }

  std::optional<Json> parenthesized(int depth) {
    ++pos_;
    skip();
    if (eat(')')) return after_atom(Json::array());
    auto first = value_expr(depth + 1);
    if (!first) return std::nullopt;
    skip();
    if (eat(')')) return after_atom(std::move(*first));
    if (!eat(',')) return std::nullopt;
    Json items = Json::array({std::move(*first)});
    skip();
    while (!peek(')')) {
      auto item = value_expr(depth + 1);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      skip();
      if (!eat(',')) break;
      skip();
    }
    if (!eat(')')) return std::nullopt;
    return after_atom(std::move(items));
  }

  static std::optional<std::string> key_text(const Json& key) {
    if (key.is_string()) return key.get<std::string>();
    if (key.is_boolean()) return std::string(key.get<bool>() ? "true" : "false");
    if (key.is_null()) return std::string("null");
    if (key.is_number()) return dump_json(key);
    return std::nullopt;
  }

  std::optional<Json> dict(int depth) {
    ++pos_;
    Json object = Json::object();
    skip();
    while (!peek('}')) {
      auto key = value_expr(depth + 1);
      skip();
      if (!key || !eat(':')) return std::nullopt;  // sets and **spreads are refused
      auto value = value_expr(depth + 1);
      auto text = key ? key_text(*key) : std::nullopt;
      if (!value || !text) return std::nullopt;
      object[*text] = std::move(*value);
      skip();
      if (!eat(',')) break;
      skip();
    }
    if (!eat('}')) return std::nullopt;
    return after_atom(std::move(object));
  }

  std::optional<Json> number(bool negative) {
    std::size_t start = pos_;
    while (pos_ < text_.size() && (is_name_char(text_[pos_]) || text_[pos_] == '.' ||
                                   ((text_[pos_] == '+' || text_[pos_] == '-') &&
                                    (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
      ++pos_;
    }
    std::string literal;
    std::string_view raw = text_.substr(start, pos_ - start);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '_') {
        literal.push_back(raw[i]);
      } else if (i == 0 || i + 1 == raw.size() || raw[i + 1] == '_') {
        return std::nullopt;
      }
    }
    auto value = number_value(literal, negative);
    if (!value) return std::nullopt;
    return after_atom(std::move(*value));
  }

  static std::optional<Json> number_value(const std::string& literal, bool negative) {
    if (literal.size() > 2 && literal[0] == '0' &&
        std::string_view("xXoObB").find(literal[1]) != kNpos) {
      int base = (literal[1] == 'x' || literal[1] == 'X') ? 16
                 : (literal[1] == 'o' || literal[1] == 'O') ? 8 : 2;
      unsigned long long value = 0;
      const char* first = literal.data() + 2;
      const char* last = literal.data() + literal.size();
      auto [end, error] = std::from_chars(first, last, value, base);
      if (error != std::errc() || end != last) return std::nullopt;  // beyond u64: refused
      return integer(std::to_string(value), negative);
    }
    bool is_integer = literal.find_first_not_of("0123456789") == std::string::npos;
    if (is_integer) {
      if (literal.size() > 1 && literal[0] == '0' &&
          literal.find_first_not_of('0') != std::string::npos) {
        return std::nullopt;  // 012 is a syntax error in Python 3
      }
      return integer(literal, negative);
    }
    if (literal.back() == 'j' || literal.back() == 'J') return std::nullopt;  // complex
    auto value = parse_f64(literal);
    if (!value) return std::nullopt;
    return Json(negative ? -*value : *value);
  }

  // integer_constant_to_value: i64, else u64 when positive, else the digits as a string.
  static Json integer(std::string digits, bool negative) {
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
    if (auto small = parse_i64(digits)) return Json(negative ? -*small : *small);
    if (!negative && (digits.size() < 20 || (digits.size() == 20 &&
                                             digits <= "18446744073709551615"))) {
      unsigned long long value = 0;
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
      return Json(value);
    }
    if (negative && digits == "9223372036854775808") return Json(INT64_MIN);
    return Json((negative ? "-" : "") + digits);
  }

  // One or more adjacent string literals, concatenated.
  std::optional<Json> strings() {
    std::string value;
    std::optional<bool> bytes;
    while (true) {
      skip();
      std::size_t start = pos_;
      std::string_view prefix = name();
      if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
        pos_ = start;
        break;
      }
      bool raw = false;
      bool is_bytes = false;
      for (char p : prefix) {
        char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(p)));
        if (lower == 'r') {
          raw = true;
        } else if (lower == 'b') {
          is_bytes = true;
        } else if (lower != 'u' || prefix.size() > 1) {
          return std::nullopt;  // f-strings and unknown prefixes
        }
      }
      if (bytes && *bytes != is_bytes) return std::nullopt;
      bytes = is_bytes;
      if (!string_literal(raw, is_bytes, &value)) return std::nullopt;
    }
    if (!bytes) return std::nullopt;
    return after_atom(Json(std::move(value)));
  }

  bool string_literal(bool raw, bool is_bytes, std::string* out) {
    char quote = text_[pos_];
    bool triple = text_.substr(pos_, 3) == std::string(3, quote);
    pos_ += triple ? 3 : 1;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == quote && (!triple || text_.substr(pos_, 3) == std::string(3, quote))) {
        pos_ += triple ? 3 : 1;
        return true;
      }
      if (c == '\n' && !triple) return false;
      if (c == '\\' && pos_ + 1 < text_.size()) {
        if (raw) {
          out->append(text_.substr(pos_, 2));
          pos_ += 2;
        } else if (!escape(is_bytes, out)) {
          return false;
        }
        continue;
      }
      out->push_back(c);
      ++pos_;
    }
    return false;
  }

  bool hex_escape(std::size_t digits, std::string* out, bool as_byte) {
    if (pos_ + digits > text_.size()) return false;
    char32_t value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      char h = text_[pos_ + i];
      if (std::isxdigit(static_cast<unsigned char>(h)) == 0) return false;
      value = value * 16 + static_cast<char32_t>(std::isdigit(static_cast<unsigned char>(h))
                                                     ? h - '0'
                                                     : std::tolower(h) - 'a' + 10);
    }
    pos_ += digits;
    if (value > 0x10FFFF) return false;
    if (as_byte && value >= 0x80) {
      out->append("\xEF\xBF\xBD");  // from_utf8_lossy of a lone high byte
    } else {
      append_utf8(value, out);
    }
    return true;
  }

  bool escape(bool is_bytes, std::string* out) {
    char e = text_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '\n': return true;
      case '\\': out->push_back('\\'); return true;
      case '\'': out->push_back('\''); return true;
      case '"': out->push_back('"'); return true;
      case 'a': out->push_back('\a'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'v': out->push_back('\v'); return true;
      case 'x': return hex_escape(2, out, is_bytes);
      case 'u': return !is_bytes ? hex_escape(4, out, false) : (out->append("\\u"), true);
      case 'U': return !is_bytes ? hex_escape(8, out, false) : (out->append("\\U"), true);
      default: break;
    }
    if (e >= '0' && e <= '7') {
      char32_t value = static_cast<char32_t>(e - '0');
      for (int i = 0; i < 2 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7';
           ++i) {
        value = value * 8 + static_cast<char32_t>(text_[pos_++] - '0');
      }
      if (is_bytes && value >= 0x80) {
        out->append("\xEF\xBF\xBD");
      } else {
        append_utf8(value, out);
      }
      return true;
    }
    if (e == 'N') return false;  // named escapes: refused
    out->push_back('\\');
    out->push_back(e);
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<Json> python_value(std::string_view source) {
  return PythonParser(source).whole_value();
}

std::optional<std::vector<ToolCall>> python_calls(std::string_view source) {
  return PythonParser(source).whole_calls();
}

}  // namespace smg::parsers::internal
