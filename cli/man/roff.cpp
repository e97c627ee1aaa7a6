#include "cli/man/roff.h"

#include <algorithm>

namespace smg::cli::man {

std::string escape(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) {
      out += "\\&";
    }
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string bold(std::string_view text) { return "\\fB" + escape(text) + "\\fR"; }

std::string italic(std::string_view text) { return "\\fI" + escape(text) + "\\fR"; }

void RoffWriter::title(std::string_view name, std::string_view source) {
  out_ += ".TH " + escape(name) + " 1 \"\" \"" + escape(source) + "\" \"User Commands\"\n";
  // No hyphenation and a ragged right margin: option names and commands stay whole.
  out_ += ".nh\n.ad l\n";
}

void RoffWriter::comment(std::string_view text) {
  out_ += ".\\\" ";
  out_ += text;
  out_ += "\n";
}

void RoffWriter::section(std::string_view heading) { out_ += ".SH " + escape(heading) + "\n"; }

void RoffWriter::subsection(std::string_view heading) {
  std::string quoted;
  for (char c : escape(heading)) {
    quoted += c == '"' ? std::string("\\(dq") : std::string(1, c);
  }
  out_ += ".SS \"" + quoted + "\"\n";
}

void RoffWriter::paragraph() { out_ += ".PP\n"; }

void RoffWriter::tagged(std::string_view tag_roff, std::string_view body) {
  out_ += ".TP\n";
  out_ += tag_roff;
  out_ += "\n";
  text(body);
}

void RoffWriter::text(std::string_view text) {
  // Blank lines in man source are an implicit .sp that linters flag: drop them.
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) {
      out_ += escape(text.substr(start, end - start));
      out_ += "\n";
    }
    start = end + 1;
  }
}

void RoffWriter::raw(std::string_view roff_line) {
  out_ += roff_line;
  out_ += "\n";
}

void RoffWriter::example_block(const std::vector<std::string>& lines) {
  raw(".RS 4");
  raw(".nf");
  for (const auto& line : lines) {
    out_ += escape(line);
    out_ += "\n";
  }
  raw(".fi");
  raw(".RE");
}

}  // namespace smg::cli::man
