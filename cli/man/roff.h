// Just enough roff (man(7) macros) to write smgctl's pages: text escaped so groff -ww stays
// silent, and the few macros the pages use.
//
//   RoffWriter w;
//   w.title("SMGCTL", "smgctl 0.1.0");
//   w.section("NAME");
//   w.text("smgctl - the smg model gateway");   // "-" becomes \-, a leading "." is protected
//   std::string page = w.str();
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smg::cli::man {

// Escapes backslashes and hyphens (\-: a minus sign that copy-paste keeps); protects a line that
// would start with "." or "'" (a control line) with \&.
std::string escape(std::string_view text);

class RoffWriter {
 public:
  // .TH NAME 1 "" "SOURCE" "User Commands": no date, so regenerating is reproducible.
  void title(std::string_view name, std::string_view source);
  void comment(std::string_view text);
  void section(std::string_view heading);     // .SH
  void subsection(std::string_view heading);  // .SS
  void paragraph();                           // .PP
  // .TP with `tag` (raw roff, already escaped) and then `body` as escaped text.
  void tagged(std::string_view tag_roff, std::string_view body);
  void text(std::string_view text);       // escaped, one output line per input line
  void raw(std::string_view roff_line);   // written as is
  // Command lines, indented and unfilled (.RS 4 .nf ... .fi .RE), each escaped.
  void example_block(const std::vector<std::string>& lines);
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

// Font helpers producing escaped roff: \fBtext\fR and \fItext\fR.
std::string bold(std::string_view text);
std::string italic(std::string_view text);

}  // namespace smg::cli::man
