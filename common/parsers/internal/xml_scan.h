// Element matching for the XML-style formats, with the semantics of the regexes SMG uses
// (`<tag\s+name="([^"]+)">(.*?)</tag>`, tried at each occurrence of the tag's start).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smg::parsers::internal {

struct Element {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::vector<std::string_view> attributes;
  std::string_view body;
};

// Reads the head after the tag's start at `at`: the position after its '>', filling attributes.
using HeadReader =
    std::function<std::optional<std::size_t>(std::string_view text, std::size_t at,
                                             std::vector<std::string_view>* attributes)>;

// The first element at or after `from`. `min_body` 1 gives (.+?) rather than (.*?).
std::optional<Element> find_element(std::string_view text, std::size_t from,
                                    std::string_view start, const HeadReader& head,
                                    std::string_view close, std::size_t min_body = 0);
std::vector<Element> all_elements(std::string_view text, std::string_view start,
                                  const HeadReader& head, std::string_view close,
                                  std::size_t min_body = 0);

// Head pieces. Each returns the position after what it read, or nullopt.
std::optional<std::size_t> read_spaces(std::string_view text, std::size_t at, bool required);
// `NAME="VALUE"` with VALUE = [^"]+ (allow_empty: [^"]*).
std::optional<std::size_t> read_attribute(std::string_view text, std::size_t at,
                                          std::string_view name, std::string_view* value,
                                          bool allow_empty = false);
std::optional<std::size_t> read_literal(std::string_view text, std::size_t at,
                                        std::string_view literal);

}  // namespace smg::parsers::internal
