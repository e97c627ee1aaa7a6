# SMG_TSAN: the serving engine (server/http) and its unit tests under ThreadSanitizer, as one
# target, engine_tsan_tests (scripts/tsan, in build-tsan/). Nothing else is built: TSan slows a
# build several times over and the engine is where the threads meet (I/O threads, strands, the
# blocking pool), so the 2-core CI compiles only server/http, the few common/ sources it needs and
# its tests, never the whole unit test binary. Everything in the target, the tests included, is
# instrumented (TSan needs both sides of a race compiled with it).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SMG_TSAN needs clang: CC=clang CXX=clang++ cmake -DSMG_TSAN=ON ...")
endif()
find_package(Catch2 2 REQUIRED)

add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
add_link_options(-fsanitize=thread)

# The upstream client too (server/proxy: worker exchanges share the I/O threads) with its
# in-process tests against a local worker.
file(GLOB SMG_ENGINE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/server/http/*.cpp
  ${CMAKE_SOURCE_DIR}/server/proxy/upstream_client.cpp
  ${CMAKE_SOURCE_DIR}/server/proxy/upstream_headers.cpp
  ${CMAKE_SOURCE_DIR}/server/proxy/internal/*.cpp
  ${CMAKE_SOURCE_DIR}/server/workers/worker_target.cpp)
file(GLOB SMG_ENGINE_TEST_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/tests/unit/server/http/*_test.cpp
  ${CMAKE_SOURCE_DIR}/tests/integration/upstream_client_test.cpp
  ${CMAKE_SOURCE_DIR}/tests/integration/upstream_client_load_test.cpp)
add_executable(engine_tsan_tests
  ${SMG_ENGINE_SOURCES}
  # What server/http uses from common/ (logger → clock), and the tests' support (self-signed
  # certificates → test keys → crypto; TempDir → process).
  ${CMAKE_SOURCE_DIR}/common/status.cpp
  ${CMAKE_SOURCE_DIR}/common/log/logger.cpp
  ${CMAKE_SOURCE_DIR}/common/clock/clock.cpp
  ${CMAKE_SOURCE_DIR}/common/crypto/crypto.cpp
  ${CMAKE_SOURCE_DIR}/tests/support/catch_main.cpp
  ${CMAKE_SOURCE_DIR}/tests/support/self_signed_cert.cpp
  ${CMAKE_SOURCE_DIR}/tests/support/test_keys.cpp
  ${CMAKE_SOURCE_DIR}/tests/support/peers.cpp
  ${CMAKE_SOURCE_DIR}/tests/support/process.cpp
  ${SMG_ENGINE_TEST_SOURCES})
target_include_directories(engine_tsan_tests PRIVATE ${CMAKE_SOURCE_DIR})
target_compile_definitions(engine_tsan_tests PRIVATE
  SMG_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
  SMG_PEERS_DIR="${CMAKE_SOURCE_DIR}/tests/peers"
  SMG_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests/data"
  SMG_BUILD_DIR="${CMAKE_BINARY_DIR}"
  SMGCTL_PATH="smgctl-is-not-built-with-SMG_TSAN")  # process.cpp's run_smgctl, unused here
target_link_libraries(engine_tsan_tests PRIVATE Catch2::Catch2 Boost::headers PkgConfig::HTTPLIB
  OpenSSL::SSL OpenSSL::Crypto nlohmann_json::nlohmann_json Threads::Threads)
smg_precompile(engine_tsan_tests ENGINE)
set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/support/catch_main.cpp
  PROPERTIES SKIP_PRECOMPILE_HEADERS ON)  # defines CATCH_CONFIG_MAIN before Catch2
