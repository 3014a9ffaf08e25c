# syntax=docker/dockerfile:1
# Switchyard flag server image. Build: docker build -t switchyard .
# Stages: deps (npm ci) -> build (prisma generate + tsc, then prune dev dependencies) -> runtime.

# Node 24, an LTS line (supported until April 2028) and the newest one .github/workflows/ci.yml tests.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- deps: install the whole workspace tree from the lockfile ---------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Only manifests first, so this layer is reused until a dependency changes.
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY server/package.json server/
COPY sdk-node/package.json sdk-node/
COPY sdk-browser/package.json sdk-browser/
COPY console/package.json console/
COPY cli/package.json cli/
COPY bench/package.json bench/
# --ignore-scripts is what the root package.json's `allowScripts` policy asks of npm 11 (the only
# install scripts in the tree are prisma's engine downloads, which we do not need), spelled out so
# that no npm version's defaults matter.
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- build: prisma generate (offline) + tsc in every workspace, then drop dev dependencies ----
FROM deps AS build
COPY . .
# server/scripts/generate-prisma.mjs points PRISMA_SCHEMA_ENGINE_BINARY at a dummy file itself.
# --omit=optional as well: the prisma CLI and typescript are optional peers of @prisma/client, which
# a plain --omit=dev keeps (~250 MB); the only optional production package is pg-cloudflare.
RUN npm run build \
 && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# ---- runtime: compiled output + production dependencies only ---------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=4242 \
    HOST=0.0.0.0 \
    SWITCHYARD_DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/core/package.json ./core/
COPY --from=build /app/core/dist ./core/dist
COPY --from=build /app/server/package.json ./server/
COPY --from=build /app/server/dist ./server/dist
# The web console's static files, served at / (server/src/console/plugin.ts).
COPY --from=build /app/console/dist ./console/dist
# Committed SQL migrations, read by `node server/dist/cli/migrate.js` and by migrate-on-start.
COPY --from=build /app/prisma ./prisma
COPY deploy/docker/healthcheck.mjs ./deploy/docker/healthcheck.mjs
# The embedded-PGlite data folder (used only when DATABASE_URL is unset) must be writable by the app user.
RUN mkdir -p /app/data && chown 1000:1000 /app/data

# Numeric uid/gid of the image's `node` user, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 4242
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "deploy/docker/healthcheck.mjs", "/healthz"]
# Migrations can also run on their own: docker run --rm <image> node server/dist/cli/migrate.js
CMD ["node", "server/dist/main.js"]
