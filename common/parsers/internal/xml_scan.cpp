#include "common/parsers/internal/xml_scan.h"

#include "common/parsers/internal/text_scan.h"

namespace smg::parsers::internal {

std::optional<Element> find_element(std::string_view text, std::size_t from,
                                    std::string_view start, const HeadReader& head,
                                    std::string_view close, std::size_t min_body) {
  for (std::size_t at = text.find(start, from); at != kNpos; at = text.find(start, at + 1)) {
    std::vector<std::string_view> attributes;
    auto body_at = head(text, at + start.size(), &attributes);
    if (!body_at || *body_at + min_body > text.size()) continue;
    std::size_t close_at = text.find(close, *body_at + min_body);
    if (close_at == kNpos) return std::nullopt;  // no later start can find one either
    return Element{at, close_at + close.size(), std::move(attributes),
                   text.substr(*body_at, close_at - *body_at)};
  }
  return std::nullopt;
}

std::vector<Element> all_elements(std::string_view text, std::string_view start,
                                  const HeadReader& head, std::string_view close,
                                  std::size_t min_body) {
  std::vector<Element> elements;
  std::size_t from = 0;
  while (auto element = find_element(text, from, start, head, close, min_body)) {
    from = element->end;
    elements.push_back(std::move(*element));
  }
  return elements;
}

std::optional<std::size_t> read_spaces(std::string_view text, std::size_t at, bool required) {
  if (at > text.size()) return std::nullopt;
  std::size_t after = text.size() - trim_start(text.substr(at)).size();
  if (required && after == at) return std::nullopt;
  return after;
}

std::optional<std::size_t> read_literal(std::string_view text, std::size_t at,
                                        std::string_view literal) {
  if (at > text.size() || text.substr(at, literal.size()) != literal) return std::nullopt;
  return at + literal.size();
}

std::optional<std::size_t> read_attribute(std::string_view text, std::size_t at,
                                          std::string_view name, std::string_view* value,
                                          bool allow_empty) {
  auto pos = read_literal(text, at, name);
  if (pos) pos = read_literal(text, *pos, "=\"");
  if (!pos) return std::nullopt;
  std::size_t quote = text.find('"', *pos);
  if (quote == kNpos || (quote == *pos && !allow_empty)) return std::nullopt;
  *value = text.substr(*pos, quote - *pos);
  return quote + 1;
}

}  // namespace smg::parsers::internal
