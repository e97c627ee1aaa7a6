# Sourced by scripts/sanitize and scripts/fuzz: configures the one sanitized build both use
# (clang, ASan + UBSan, libFuzzer coverage; -O1 with assertions on) in $build_dir.
build_dir="${SMG_FUZZ_BUILD_DIR:-build-fuzz}"
configure_sanitized_build() {
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DSMG_FUZZ=ON -DSMG_TESTS=ON -DSMG_BENCH=OFF -DSMG_PCH="${SMG_PCH:-OFF}" >/dev/null
}
