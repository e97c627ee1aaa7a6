// Loading is the only place a module's bytes are trusted to wabt's reader and validator; every
// rule that keeps a call bounded and safe is checked here once, so run() never has to.
#include "common/wasm/module.h"

#include <new>
#include <string>

#include "common/crypto/crypto.h"
#include "common/wasm/internal/host_functions.h"
#include "common/wasm/internal/module_impl.h"
#include "common/wasm/runner.h"
#include "wabt/binary-reader.h"
#include "wabt/cast.h"
#include "wabt/error.h"
#include "wabt/interp/binary-reader-interp.h"

namespace smg::wasm {
namespace {

namespace wi = wabt::interp;

Status refused(std::string reason, std::string message) {
  return invalid_argument(std::move(reason), std::move(message));
}

// MVP plus what clang's wasm32 output uses. SIMD and reference types are off: no middleware
// needs them, and they are where this wabt version's interpreter had its later fixes.
wabt::Features runtime_features() {
  wabt::Features features;
  features.disable_simd();
  features.disable_reference_types();
  features.disable_exceptions();
  features.disable_threads();
  features.disable_memory64();
  features.disable_multi_memory();
  return features;
}

Status check_header(std::string_view bytes, const Limits& limits) {
  if (bytes.empty()) return refused("wasm_empty", "wasm module is empty");
  if (bytes.size() > limits.max_module_bytes) {
    return refused("wasm_too_large", "wasm module is larger than " +
                                         std::to_string(limits.max_module_bytes) + " bytes");
  }
  if (bytes.size() >= 8 && bytes.substr(0, 4) == std::string_view("\0asm", 4) &&
      bytes.substr(4, 4) == std::string_view("\x0d\0\1\0", 4)) {  // component, layer 1
    return refused("wasm_not_core",
                   "wasm components are not supported: build a core module (docs/wasm-abi.md)");
  }
  return Status();
}

Status parse(std::string_view bytes, Module::Impl* impl) {
  wabt::Errors errors;
  wabt::ReadBinaryOptions options(impl->features, nullptr, /*read_debug_names=*/false,
                                  /*stop_on_first_error=*/true,
                                  /*fail_on_custom_section_error=*/false);
  wabt::Result result =
      wi::ReadBinaryInterp("module", bytes.data(), bytes.size(), options, &errors, &impl->desc);
  if (wabt::Succeeded(result)) return Status();
  std::string why = errors.empty() ? std::string("unreadable") : errors.front().message;
  if (!errors.empty()) why += " (at byte " + std::to_string(errors.front().loc.offset) + ")";
  return refused("wasm_invalid", "invalid wasm module: " + why);
}

Status check_imports(Module::Impl* impl) {
  for (const wi::ImportDesc& import : impl->desc.imports) {
    const wi::ImportType& type = import.type;
    std::string name = type.module + "." + type.name;
    const HostFunctionSpec* spec = nullptr;
    for (const HostFunctionSpec& candidate : kHostFunctions) {
      if (type.module == kImportModule && type.name == candidate.name) spec = &candidate;
    }
    if (spec == nullptr || type.type->kind != wi::ExternKind::Func) {
      return refused("wasm_bad_import",
                     "wasm module imports " + name + ", which is not an smg host function");
    }
    std::string mismatch;
    if (wabt::Failed(Match(internal::host_function_type(*spec),
                           *wabt::cast<wi::FuncType>(type.type.get()), &mismatch))) {
      return refused("wasm_bad_import", "wasm import " + name + " has the wrong type");
    }
    impl->imports.push_back(spec->id);
  }
  return Status();
}

Status check_sizes(Module::Impl* impl, const Limits& limits) {
  if (!impl->desc.starts.empty()) {
    return refused("wasm_start_function", "wasm module has a start function (not allowed)");
  }
  for (wi::MemoryDesc& memory : impl->desc.memories) {
    wabt::Limits& pages = memory.type.limits;
    if (pages.initial > limits.max_memory_pages) {
      return refused("wasm_memory_too_large",
                     "wasm memory of " + std::to_string(pages.initial) + " pages is over the " +
                         std::to_string(limits.max_memory_pages) + "-page limit");
    }
    if (!pages.has_max || pages.max > limits.max_memory_pages) pages.max = limits.max_memory_pages;
    pages.has_max = true;
  }
  for (wi::TableDesc& table : impl->desc.tables) {
    wabt::Limits& elements = table.type.limits;
    if (elements.initial > kMaxTableElements) {
      return refused("wasm_table_too_large",
                     "wasm table is over " + std::to_string(kMaxTableElements) + " elements");
    }
    if (!elements.has_max || elements.max > kMaxTableElements) elements.max = kMaxTableElements;
    elements.has_max = true;
  }
  for (const wi::FuncDesc& func : impl->desc.funcs) {
    uint64_t locals = func.type.params.size();
    for (const wi::LocalDesc& local : func.locals) locals += local.count;
    if (locals > kMaxLocals) {
      return refused("wasm_too_many_locals",
                     "wasm function has more than " + std::to_string(kMaxLocals) + " locals");
    }
  }
  return Status();
}

bool is_entry_type(const wi::ExportType& type) {
  const auto* func = wabt::cast<wi::FuncType>(type.type.get());
  return func->params.empty() && func->results.size() == 1 && func->results[0] == wabt::Type::I32;
}

Status check_exports(Module::Impl* impl) {
  const auto& exports = impl->desc.exports;
  bool has_memory = false;
  for (wi::Index i = 0; i < exports.size(); ++i) {
    const wi::ExportType& type = exports[i].type;
    if (type.name == kMemoryExport && type.type->kind == wi::ExternKind::Memory) {
      impl->memory_export = i;
      has_memory = true;
    }
    bool request = type.name == kOnRequestExport;
    if (!request && type.name != kOnResponseExport) continue;
    // An imported (host) function re-exported as an entry point is not something we can run
    // under the budget; every import is a function, so defined ones come after them.
    if (type.type->kind != wi::ExternKind::Func || !is_entry_type(type) ||
        exports[i].index < impl->imports.size()) {
      return refused("wasm_bad_export",
                     "wasm export " + type.name + " must be a function of type () -> i32");
    }
    (request ? impl->on_request_export : impl->on_response_export) = i;
  }
  if (!impl->on_request_export && !impl->on_response_export) {
    return refused("wasm_no_entry",
                   "wasm module exports neither smg_on_request nor "
                   "smg_on_response (docs/wasm-abi.md)");
  }
  if (!has_memory) return refused("wasm_no_memory", "wasm module does not export its memory");
  return Status();
}

Result<std::unique_ptr<Module::Impl>> build(std::string_view bytes, const Limits& limits) {
  auto impl = std::make_unique<Module::Impl>();
  impl->features = runtime_features();
  Status status = parse(bytes, impl.get());
  if (status.ok()) status = check_imports(impl.get());
  if (status.ok()) status = check_sizes(impl.get(), limits);
  if (status.ok()) status = check_exports(impl.get());
  if (!status.ok()) return status;
  return Result<std::unique_ptr<Module::Impl>>(std::move(impl));
}

// wabt allocates with new (a hostile length can ask for a lot): that is this module's failure.
Result<std::unique_ptr<Module::Impl>> build_guarded(std::string_view bytes, const Limits& limits) {
  try {
    return build(bytes, limits);
  } catch (const std::bad_alloc&) {
    return Status(Code::kResourceExhausted, "wasm_out_of_memory", "wasm module out of memory");
  }
}

}  // namespace

Module::Module(std::unique_ptr<Impl> impl, std::string sha256_hex, std::size_t size_bytes)
    : impl_(std::move(impl)), sha256_hex_(std::move(sha256_hex)), size_bytes_(size_bytes) {}

Module::~Module() = default;

bool Module::exports(EntryPoint entry) const {
  return entry == EntryPoint::kOnRequest ? impl_->on_request_export.has_value()
                                         : impl_->on_response_export.has_value();
}

Result<std::shared_ptr<const Module>> Module::load(std::string_view bytes, const Limits& limits) {
  if (Status status = check_header(bytes, limits); !status.ok()) return status;
  Result<std::unique_ptr<Impl>> impl = build_guarded(bytes, limits);
  if (!impl.ok()) return impl.status();
  std::shared_ptr<const Module> module(
      new Module(std::move(*impl), crypto::sha256_hex(bytes), bytes.size()));
  // A data or element segment that does not fit its memory or table fails every instantiation:
  // refuse the module now rather than on each request.
  if (Status status = instantiate_only(*module, limits); !status.ok()) {
    return refused("wasm_instantiation_failed", status.message());
  }
  return module;
}

}  // namespace smg::wasm
