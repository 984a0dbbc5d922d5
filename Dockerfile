# syntax=docker/dockerfile:1
# Node 26, the active LTS line (LTS since October 2026; Node 20 reached end of life on
# 2026-04-30). package.json's engines say the same; CI also runs the suite on it (.ci/run).
ARG NODE_IMAGE=node:26-bookworm-slim

# Build stage: type-check, then bundle Herald's code and the packages it imports into
# dist/main.cjs, which the entry dist/server.js runs (scripts/build.mjs, esbuild; native argon2
# and what is loaded by name at run time stay in node_modules), with the full toolchain
# (devDependencies included). The build ends with a warm-up of the built server (no database)
# that writes V8's code cache of the bundle, dist/main.cjs.cache: it reads the contracts and the
# migrations as the server does, so they are copied in first. The runtime stage has the same
# Node, so V8 takes the cache (src/lib/code-cache.ts).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build.mjs ./scripts/
COPY migrations ./migrations
COPY openapi.yaml schema.graphql ./
RUN npm run build

# Runtime stage: production dependencies only (no embedded PostgreSQL, no GraphiQL assets,
# no test or lint tools: they are devDependencies), the bundled server, the contracts, migrations.
# package.json stays beside them: run-time files are found from the directory that holds it.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY openapi.yaml schema.graphql ./
USER node
EXPOSE 3000
# DATABASE_URL and JWT_SECRET are required in production (the embedded database is dev only).
# Healthy means ready: the database answers and is migrated (/readyz), not merely alive.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--max-semi-space-size=32", "dist/server.js"]
