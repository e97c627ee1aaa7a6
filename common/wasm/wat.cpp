#include "common/wasm/wat.h"

#include <memory>

#include "wabt/binary-writer.h"
#include "wabt/error-formatter.h"
#include "wabt/ir.h"
#include "wabt/stream.h"
#include "wabt/validator.h"
#include "wabt/wast-lexer.h"
#include "wabt/wast-parser.h"

namespace smg::wasm {

Result<std::string> compile_wat(std::string_view text) {
  wabt::Errors errors;
  wabt::Features features;
  auto lexer = wabt::WastLexer::CreateBufferLexer("wat", text.data(), text.size(), &errors);
  std::unique_ptr<wabt::Module> module;
  wabt::WastParseOptions parse_options(features);
  wabt::Result result = wabt::ParseWatModule(lexer.get(), &module, &errors, &parse_options);
  if (wabt::Succeeded(result)) {
    wabt::ValidateOptions validate_options(features);
    result = wabt::ValidateModule(module.get(), &errors, validate_options);
  }
  if (wabt::Failed(result)) {
    std::string why = errors.empty() ? std::string("invalid text") : errors.front().message;
    if (!errors.empty()) {
      why = "wat:" + std::to_string(errors.front().loc.line) + ":" +
            std::to_string(errors.front().loc.first_column) + ": " + why;
    }
    return invalid_argument("wat_invalid", why);
  }
  wabt::MemoryStream stream;
  wabt::WriteBinaryOptions write_options(features, /*canonicalize_lebs=*/true,
                                         /*relocatable=*/false, /*write_debug_names=*/false);
  if (wabt::Failed(wabt::WriteBinaryModule(&stream, module.get(), write_options))) {
    return internal_error("wat_write_failed", "could not write the wasm binary");
  }
  const auto& data = stream.output_buffer().data;
  return std::string(data.begin(), data.end());
}

}  // namespace smg::wasm
