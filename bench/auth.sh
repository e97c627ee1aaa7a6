#!/usr/bin/env bash
# Auth-core benchmark: Google Benchmark figures for API-key lookup and JWT verification, with
# `openssl speed`'s verify rate for the same algorithms measured in the same run as the floor an
# uncached verify cannot beat. Prints ns per operation and ratios.
# Usage: bench/auth.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
cmake --build "$build_dir" -j "$(nproc)" --target auth_bench >/dev/null
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$build_dir/bench/auth_bench" --benchmark_min_time=1 --benchmark_format=json >"$json" 2>/dev/null
speed=$(openssl speed -seconds 3 rsa2048 ecdsap256 2>/dev/null)
rsa_verify=$(awk '/^rsa 2048 bits/ {print $NF}' <<<"$speed")
ec_verify=$(awk '/nistp256/ {print $NF}' <<<"$speed")
python3 - "$json" "$rsa_verify" "$ec_verify" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ns = {b["name"]: b["real_time"] if b["time_unit"] == "ns" else b["real_time"] * 1000
      for b in doc["benchmarks"]}
floor = {"RS256": 1e9 / float(sys.argv[2]), "ES256": 1e9 / float(sys.argv[3])}
print(f"{'benchmark':38} {'ns/op':>10}")
for name, t in ns.items():
    print(f"{name:38} {t:10.1f}")
print()
for alg in ("RS256", "ES256"):
    unc, cac = ns[f"BM_JwtVerifyUncached_{alg}"], ns[f"BM_JwtAuthenticateCached_{alg}"]
    print(f"{alg}: openssl speed verify {floor[alg]:.0f} ns; smg uncached {unc:.0f} ns "
          f"({unc / floor[alg]:.2f}x openssl); cached {cac:.0f} ns ({unc / cac:.0f}x faster than uncached)")
k1, k100 = ns["BM_ApiKeyLookup/1"], ns["BM_ApiKeyLookup/100"]
print(f"API key lookup: 1 key {k1:.0f} ns, 100 keys {k100:.0f} ns ({k100 / k1:.2f}x)")
PY
