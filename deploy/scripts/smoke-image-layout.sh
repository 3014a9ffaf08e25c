#!/usr/bin/env bash
# Rehearses the Dockerfile without a Docker engine: the deps/build stage commands in a scratch copy of
# the committed tree, then only what the runtime stage COPYs, run as uid 1000 from a root-owned (so
# read-only to it) folder against real Postgres and Redis. Keep the commands in step with the
# Dockerfile. Takes several minutes (a full `npm ci`). Needs root (for setpriv), createdb, curl.
#   deploy/scripts/smoke-image-layout.sh            # uses 127.0.0.1:5432 and :6379
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"; app="$work/app"; run="$work/runtime"; port="${SMOKE_PORT:-4391}"
db="smoke_image_$$"; pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$db" || true
  rm -rf "$work"
}
trap cleanup EXIT
as_app() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }

echo "::: deps + build stages in $app"
mkdir -p "$app"
# The committed tree (what a clean checkout would send as build context); SMOKE_REF picks another commit.
git -C "$repo" archive "${SMOKE_REF:-HEAD}" | tar xf - -C "$app"
(cd "$app" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
  && npm run build --silent \
  && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error)

echo "::: runtime stage in $run"
mkdir -p "$run/core" "$run/server" "$run/deploy/docker"
cp -a "$app/package.json" "$app/node_modules" "$app/prisma" "$run/"
cp -a "$app/core/package.json" "$app/core/dist" "$run/core/"
cp -a "$app/server/package.json" "$app/server/dist" "$run/server/"
cp "$app/deploy/docker/healthcheck.mjs" "$run/deploy/docker/"
chown -R root:root "$run" && chmod -R go-w "$run" && chmod 755 "$work"
du -sh "$run"

createdb -h 127.0.0.1 -U postgres "$db"
export NODE_ENV=production PORT="$port" HOST=127.0.0.1 SWITCHYARD_MIGRATE_ON_START=false \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL=redis://127.0.0.1:6379 \
  SWITCHYARD_ADMIN_TOKEN=smoke-admin-token-0123456789
cd "$run"
echo "::: migrate";  as_app node server/dist/cli/migrate.js
echo "::: start"
# setpriv itself in the background (not the as_app function, whose subshell would take the signal).
setpriv --reuid=1000 --regid=1000 --clear-groups node server/dist/main.js > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do as_app node deploy/docker/healthcheck.mjs 2>/dev/null && break; sleep 1; done
as_app node deploy/docker/healthcheck.mjs && echo "HEALTHCHECK ok"
curl -fsS "http://127.0.0.1:$port/readyz" && echo
curl -fsS "http://127.0.0.1:$port/metrics" | grep -q '^http_request_duration_seconds_count{.*status_code="200"' \
  && echo "metrics: http_request_duration_seconds_count with status_code"
kill -TERM "$pid"
status=0; wait "$pid" || status=$?; pid=""
if [[ $status -ne 0 ]]; then echo "server exited $status on SIGTERM"; tail -20 "$work/server.log"; exit 1; fi
echo "stopped cleanly on SIGTERM"
echo "smoke: image layout OK"
