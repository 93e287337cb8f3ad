# syntax=docker/dockerfile:1
# The images of the system, from one file (docs/operations.md, "Containers"):
#   all services (k8s/'s idp-gateway; SERVICE picks one):  docker build -t idp-gateway:<tag> .
#   one service:  docker build --target edge -t idp-edge:<tag> .   (edge, auth, ratelimit, platform, realtime)
#   NATS:         docker build --target nats -t idp-nats:<tag> .
# BASE_IMAGE defaults to node:24-bookworm-slim. Every service image also holds the setup step
# (node tools/setup/dist/main.js, the Kubernetes Job nats-setup). Here, without a registry,
# `npm run images` builds them on a local base image (tools/containers/src/base-image.ts).
ARG BASE_IMAGE=node:24-bookworm-slim

# Only what `npm ci` reads (every package.json and the lock file), so that a change of source code
# leaves the install layer below cached.
FROM ${BASE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) \
      -type f -print | xargs cp --parents -t /manifests

# Compiles every service and the setup step, then keeps the production dependencies only.
FROM ${BASE_IMAGE} AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true
# Only for a network whose proxy re-signs TLS: a CA file that npm must trust, mounted into the build
# (tools/containers passes the host's). Empty everywhere else.
ARG NODE_EXTRA_CA_CERTS=
COPY --from=manifests /manifests/ ./
# No install scripts: nothing the services run needs one, and the dev tools' downloads (deno) are not wanted.
RUN --mount=type=cache,id=idp-npm,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund --ignore-scripts --prefer-offline
COPY . .
RUN npx nx run-many -t build --projects=@idp/edge,@idp/auth,@idp/ratelimit,@idp/platform,@idp/realtime,@idp/setup \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# An init as PID 1 that forwards SIGTERM to node and reaps zombies; in the local base already.
FROM ${BASE_IMAGE} AS init
RUN command -v tini >/dev/null \
  || (apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*)

# NATS for running the system from images here; production runs the official nats image (k8s/nats.yaml).
FROM ${BASE_IMAGE} AS nats-package
RUN apt-get update && apt-get install -y --no-install-recommends nats-server

FROM ${BASE_IMAGE} AS nats
COPY --from=nats-package /usr/sbin/nats-server /usr/local/bin/nats-server
COPY --from=init /usr/bin/tini /usr/bin/tini
USER 1000:1000
EXPOSE 4222
ENTRYPOINT ["/usr/bin/tini", "--", "nats-server"]

# Every service. Everything under /app belongs to root and is read-only to the service's user, so the
# root filesystem can be mounted read-only (Kubernetes: readOnlyRootFilesystem, an emptyDir at /tmp).
FROM ${BASE_IMAGE} AS gateway
ENV NODE_ENV=production
WORKDIR /app
COPY --from=init /usr/bin/tini /usr/bin/tini
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/services ./services
COPY --from=build /app/tools/setup ./tools/setup
COPY --from=build /app/config ./config
COPY tools/containers/healthcheck.mjs ./healthcheck.mjs
# The node user of the node image (uid and gid 1000, as k8s/ runAsUser expects).
USER 1000:1000
# Which service runs: the Kubernetes Deployments set it (k8s/), the per-service targets below bake it in.
ENV SERVICE=edge
# Ready as the service's own readiness probe says (the probe port, else its HTTP/WebSocket listener).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]

# One image per service (--target edge, …): the same layers, only SERVICE differs. Stages rather than a
# build argument, because podman's cache keys every step on the build arguments given.
FROM gateway AS edge
ENV SERVICE=edge
FROM gateway AS auth
ENV SERVICE=auth
FROM gateway AS ratelimit
ENV SERVICE=ratelimit
FROM gateway AS platform
ENV SERVICE=platform
FROM gateway AS realtime
ENV SERVICE=realtime

# The default target: the image of k8s/ (idp-gateway), whose Deployments choose the service.
FROM gateway
