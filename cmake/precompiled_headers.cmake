# Precompiled headers (SMG_PCH, on in scripts/test: CI builds from scratch on 2 cores).
# nlohmann/json, Catch2 and the standard library are parsed by nearly every translation unit;
# parsing them once per target measured a unit test 4.2 s -> 2.4 s and a server source
# 5.3 s -> 4.2 s of compiler time. Off by default: with ccache (local builds, worktrees) a
# rebuild is already cheap, and a build without them keeps every file's own includes honest.
#
#   smg_precompile(smg_server COMMON)       # json + std
#   smg_precompile(unit_tests TESTS)        # json + std + Catch2
# Sources built with other flags (wabt's C++17 files) are left out with SKIP_PRECOMPILE_HEADERS.
option(SMG_PCH "Precompile the headers most sources include (json, Catch2, std)" OFF)

set(SMG_PCH_COMMON
  <algorithm> <chrono> <cstdint> <functional> <map> <memory> <mutex> <optional> <string>
  <string_view> <unordered_map> <utility> <vector> <nlohmann/json.hpp>)
set(SMG_PCH_CLI ${SMG_PCH_COMMON} <CLI/CLI.hpp>)
set(SMG_PCH_TESTS ${SMG_PCH_COMMON} <catch2/catch.hpp>)
set(SMG_PCH_INTEGRATION ${SMG_PCH_TESTS} <httplib.h>)
set(SMG_PCH_ENGINE ${SMG_PCH_TESTS} <boost/asio.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp>)

# GCC 12's middle-end warnings fire inside libstdc++'s string and variant moves once the
# standard headers come from a precompiled header (false positives, GCC bugs 105651 and 105329;
# bcrypt.cpp's `return hash;` tripped -Warray-bounds and -Wstringop-overread): in the PCH build
# they stay warnings, not errors. The build without PCH keeps them errors under SMG_WERROR.
if(SMG_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-error=array-bounds -Wno-error=stringop-overflow
    -Wno-error=stringop-overread -Wno-error=restrict -Wno-error=maybe-uninitialized
    -Wno-error=free-nonheap-object -Wno-error=dangling-pointer -Wno-error=use-after-free)
endif()

function(smg_precompile target set)
  if(SMG_PCH)
    target_precompile_headers(${target} PRIVATE ${SMG_PCH_${set}})
  endif()
endfunction()
