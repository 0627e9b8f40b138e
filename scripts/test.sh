#!/usr/bin/env bash
# Runs every test: installs what is missing, checks the formatting, builds
# with gcc and runs the unit and end-to-end suites, rebuilds with clang +
# ASan/UBSan and runs both suites again, then runs each libFuzzer target
# briefly on its seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=$(nproc)
FUZZ_BUDGET=${FUZZ_BUDGET:-60} # seconds for all fuzz targets together

bash scripts/setup.sh

# Debian's pytest lives under Debian's python, whatever python3 is on PATH.
PY=/usr/bin/python3

step() { printf '\n=== %s\n' "$*"; }

step "format (.clang-format)"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

step "build (gcc, -Werror)"
cmake -S . -B build -DSLUICE_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"

step "unit tests"
ctest --test-dir build --output-on-failure -j"$JOBS"

step "end-to-end tests"
SLUICE_BUILD=$ROOT/build $PY -m pytest -q tests/e2e

step "build (clang, ASan+UBSan, fuzzers)"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DSLUICE_WERROR=ON \
	-DSLUICE_SANITIZE=ON -DSLUICE_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$JOBS"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

step "unit tests under ASan+UBSan"
ctest --test-dir build-asan --output-on-failure -j"$JOBS"

step "end-to-end tests under ASan+UBSan"
SLUICE_BUILD=$ROOT/build-asan $PY -m pytest -q tests/e2e

step "fuzzing (${FUZZ_BUDGET}s in all)"
targets=(build-asan/fuzz_*)
if ((${#targets[@]} > 0)) && [[ -e ${targets[0]} ]]; then
	per=$((FUZZ_BUDGET / ${#targets[@]}))
	((per >= 1)) || per=1
	for t in "${targets[@]}"; do
		name=$(basename "$t")
		seeds=tests/fuzz/corpus/${name#fuzz_}
		work=$(mktemp -d)
		args=("$work")
		[[ -d $seeds ]] && args+=("$seeds")
		echo "$name: ${per}s"
		"$t" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=0 "${args[@]}" 2>"$work.log" ||
			{ tail -50 "$work.log"; rm -rf "$work" "$work.log"; exit 1; }
		grep -E '^(Done|#[0-9]+ +DONE)' "$work.log" | tail -1 || true
		rm -rf "$work" "$work.log"
	done
fi

step "all tests passed"
