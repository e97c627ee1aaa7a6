// The completion scripts and man pages: the committed files equal what the live command tree
// generates (scripts/gen-docs regenerates them), each script loads in its real shell and
// completes subcommands through `smgctl __complete`, and every man page renders without a
// groff warning.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "tests/support/peers.h"
#include "tests/support/process.h"
#include "tests/support/tmux_session.h"

using smg::test::ProcessResult;
using smg::test::run_process;
using smg::test::run_smgctl;

namespace {

const std::string kSourceDir = SMG_SOURCE_DIR;

// PATH with the freshly built smgctl first: the scripts call `smgctl __complete`.
std::map<std::string, std::string> smgctl_on_path() {
  const char* path = std::getenv("PATH");
  return {{"PATH", std::string(SMG_BUILD_DIR) + ":" + (path != nullptr ? path : "/usr/bin:/bin")}};
}

std::set<std::string> man_files(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".1") {
      names.insert(entry.path().filename().string());
    }
  }
  return names;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Runs the bash completion function as bash's programmable completion would for `words`.
ProcessResult bash_complete(const std::string& words, int cword) {
  std::string script = "source " + kSourceDir + "/completions/smgctl.bash\n" +
                       "COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) + "\n" +
                       "_smgctl; printf '%s\\n' \"${COMPREPLY[@]}\"\n";
  return run_process({"bash", "--norc", "--noprofile", "-c", script}, "", smgctl_on_path());
}

ProcessResult fish_complete(const std::string& line) {
  std::string script = "source " + kSourceDir + "/completions/smgctl.fish; complete -C'" + line +
                       "'";
  return run_process({"fish", "--no-config", "-c", script}, "", smgctl_on_path());
}

}  // namespace

TEST_CASE("completion files: committed scripts equal the generator output", "[shell][docs]") {
  for (auto [shell, file] : {std::pair{"bash", "smgctl.bash"}, std::pair{"zsh", "_smgctl"},
                             std::pair{"fish", "smgctl.fish"}}) {
    auto generated = run_smgctl({"completion", shell});
    REQUIRE(generated.exit_code == 0);
    INFO("completions/" << file << " is stale: run scripts/gen-docs");
    CHECK(generated.out == smg::test::read_file(kSourceDir + "/completions/" + file));
  }
}

TEST_CASE("man files: committed pages equal the generator output", "[shell][docs]") {
  smg::test::TempDir dir;
  auto generated = run_smgctl({"__gen-man", dir.path()});
  REQUIRE(generated.exit_code == 0);
  const std::string committed = kSourceDir + "/man";
  INFO("man/ is stale: run scripts/gen-docs");
  REQUIRE(man_files(dir.path()) == man_files(committed));
  for (const auto& name : man_files(dir.path())) {
    INFO(name);
    CHECK(smg::test::read_file(dir.file(name)) == smg::test::read_file(committed + "/" + name));
  }
}

TEST_CASE("man files: every page renders with groff -ww and man -l", "[shell][docs]") {
  for (const auto& name : man_files(kSourceDir + "/man")) {
    const std::string page = kSourceDir + "/man/" + name;
    auto groff = run_process({"groff", "-ww", "-z", "-man", "-Tutf8", page});
    INFO(name << ": " << groff.err);
    CHECK(groff.exit_code == 0);
    CHECK(groff.err.empty());
  }
  auto man = run_process({"man", "-l", kSourceDir + "/man/smgctl.1"}, "",
                         {{"MANPAGER", "cat"}, {"MANWIDTH", "100"}, {"LC_ALL", "C.UTF-8"}});
  INFO(man.err);
  CHECK(man.exit_code == 0);
  CHECK(man.out.find("GLOBAL OPTIONS") != std::string::npos);
  CHECK(man.out.find("EXIT STATUS") != std::string::npos);
}

TEST_CASE("completion bash: the script registers and completes subcommands",
          "[shell][completion]") {
  auto registered = run_process(
      {"bash", "--norc", "--noprofile", "-c",
       "source " + kSourceDir + "/completions/smgctl.bash; complete -p smgctl"});
  CHECK(registered.out == "complete -o default -F _smgctl smgctl\n");

  auto top = bash_complete("smgctl jw", 1);
  INFO(top.err);
  CHECK(lines_of(top.out) == std::vector<std::string>{"jwt"});
  CHECK(lines_of(bash_complete("smgctl jwt ''", 2).out) ==
        std::vector<std::string>{"decode", "verify"});
  CHECK(lines_of(bash_complete("smgctl version --output ''", 3).out) ==
        std::vector<std::string>{"table", "json", "yaml"});
  auto flags = lines_of(bash_complete("smgctl keys generate --ro", 3).out);
  CHECK(flags == std::vector<std::string>{"--role"});
}

TEST_CASE("completion fish: complete -C offers subcommands with descriptions",
          "[shell][completion]") {
  auto top = fish_complete("smgctl jw");
  INFO(top.err);
  REQUIRE(top.exit_code == 0);
  REQUIRE(lines_of(top.out).size() == 1);
  CHECK(top.out.starts_with("jwt\t"));
  auto sub = lines_of(fish_complete("smgctl jwt ").out);
  REQUIRE(sub.size() == 2);
  CHECK(sub[0].starts_with("decode\t"));
  CHECK(sub[1].starts_with("verify\t"));
}

TEST_CASE("completion zsh: compinit loads _smgctl and TAB completes", "[shell][completion]") {
  smg::test::TempDir home;
  auto env = smgctl_on_path();
  env["HOME"] = home.path();
  env["ZDOTDIR"] = home.path();
  smg::test::TmuxSession zsh({"zsh", "-f"}, env);
  zsh.type("PS1='zsh> '; fpath=(" + kSourceDir +
           "/completions $fpath); autoload -Uz compinit; compinit -u -d " + home.file("zcomp"));
  zsh.keys({"Enter"});
  REQUIRE(zsh.wait_for_text("zsh> "));
  zsh.type("smgctl jw");
  zsh.keys({"Tab"});
  if (!zsh.wait_for_text("zsh> smgctl jwt")) {
    FAIL("no completion of smgctl jw:\n" << zsh.screen());
  }
  zsh.keys({"Tab"});  // a second TAB after `jwt ` lists the subcommands with descriptions
  if (!zsh.wait_for([](const std::string& s) {
        return s.find("decode") != std::string::npos && s.find("verify") != std::string::npos;
      })) {
    FAIL("no listing of jwt subcommands:\n" << zsh.screen());
  }
}
