# One image for every service; SERVICE picks which one runs (edge, auth, ratelimit, platform, realtime).
#   docker build -t idp-gateway:0.1.0 .
#   docker run -e SERVICE=edge -e NATS_URL=nats://nats:4222 -p 8080:8080 idp-gateway:0.1.0
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs ./libs
COPY services ./services
COPY tools ./tools
COPY e2e/package.json ./e2e/package.json
COPY tsconfig.base.json nx.json ./
RUN npm ci --no-audit --no-fund && NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/services ./services
# The setup step (streams and buckets), run as the Kubernetes Job nats-setup: node tools/setup/dist/main.js
COPY --from=build /app/tools/setup ./tools/setup
COPY config ./config
USER node
ENV SERVICE=edge
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
