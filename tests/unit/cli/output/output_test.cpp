#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/output/structured.h"
#include "cli/output/table.h"

using nlohmann::json;
using smg::cli::Table;

TEST_CASE("table: columns are aligned to the widest cell", "[output]") {
  Table table({"ID", "URL"});
  table.add_row({"a", "http://x"});
  table.add_row({"longer-id", "http://y"});
  std::ostringstream out;
  table.print(out);
  CHECK(out.str() ==
        "ID         URL\n"
        "a          http://x\n"
        "longer-id  http://y\n");
}

TEST_CASE("table: control characters in a cell cannot forge rows", "[output][attack]") {
  Table table({"PATH"});
  table.add_row({"/workers\nFAKE ROW\x1b[2J"});
  std::ostringstream out;
  table.print(out);
  CHECK(out.str() == "PATH\n/workers FAKE ROW [2J\n");
}

TEST_CASE("yaml: strings that look like other types stay strings", "[output]") {
  json doc = {{"number_text", "123"}, {"bool_text", "true"}, {"empty", ""},
              {"null_text", "null"},  {"plain", "ready"},    {"number", 7},
              {"flag", false},        {"nothing", nullptr},  {"list", {"a", "1.5"}}};
  YAML::Node back = YAML::Load(smg::cli::to_yaml(doc));
  CHECK(back["number_text"].as<std::string>() == "123");
  CHECK(back["number_text"].Tag() == "!");  // quoted, so a YAML reader keeps it a string
  CHECK(back["bool_text"].Tag() == "!");
  CHECK(back["null_text"].Tag() == "!");
  CHECK(back["empty"].as<std::string>().empty());
  CHECK(back["plain"].Tag() == "?");
  CHECK(back["number"].as<int>() == 7);
  CHECK(back["flag"].as<bool>() == false);
  CHECK(back["nothing"].IsNull());
  CHECK(back["list"][1].Tag() == "!");
}

TEST_CASE("printer: one view in table json yaml and quiet form", "[output]") {
  smg::cli::CliContext context;
  std::ostringstream out;
  context.out = &out;
  smg::cli::View view;
  view.document = {{"workers", {{{"id", "w1"}}}}};
  view.table = [] {
    Table table({"ID"});
    table.add_row({"w1"});
    return table;
  };
  view.ids = {"w1"};
  SECTION("table by default") {
    smg::cli::print_view(context, view);
    CHECK(out.str() == "ID\nw1\n");
  }
  SECTION("json") {
    context.global.output = "json";
    smg::cli::print_view(context, view);
    CHECK(json::parse(out.str()) == view.document);
  }
  SECTION("yaml") {
    context.global.output = "yaml";
    smg::cli::print_view(context, view);
    CHECK(YAML::Load(out.str())["workers"][0]["id"].as<std::string>() == "w1");
  }
  SECTION("quiet wins over the format") {
    context.global.output = "json";
    smg::cli::print_view(context, view, true);
    CHECK(out.str() == "w1\n");
  }
}

TEST_CASE("json cells: missing and odd fields print as text", "[output]") {
  json worker = {{"id", "w1"},
                 {"load", 3},
                 {"labels", {{"a", "1"}, {"b", "2"}}},
                 {"model_id", nullptr},
                 {"models", {"m1", "m2"}}};
  CHECK(smg::cli::cell(worker, "id") == "w1");
  CHECK(smg::cli::cell(worker, "load") == "3");
  CHECK(smg::cli::cell(worker, "labels") == "a=1,b=2");
  CHECK(smg::cli::cell(worker, "model_id").empty());
  CHECK(smg::cli::cell(worker, "models") == "m1,m2");
  CHECK(smg::cli::cell(worker, "absent").empty());
  CHECK(smg::cli::cell(json("not an object"), "id").empty());
  CHECK(smg::cli::array_at(worker, "id").empty());
}
