# syntax=docker/dockerfile:1
#
# One image recipe for every synthdesk binary. Pick the binary with SERVICE:
#   generator | classifier | validator | sink   (services/<SERVICE>)
#   synthdesk                                   (the CLI, cmd/synthdesk)
#
#   docker build --build-arg SERVICE=classifier -t synthdesk-classifier:dev .
#
# Each binary is built from its own module with GOWORK=off, exactly as a
# per-service CI build would: the module's replace directive points at
# ../../pkg, so only pkg/ and the module's own directory are needed. go.work at
# the repository root is ignored on purpose, which proves every module's
# go.mod/go.sum is complete on its own.

ARG GO_VERSION=1.26

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG SERVICE
ARG TARGETOS
ARG TARGETARCH
ENV GOWORK=off CGO_ENABLED=0 GOFLAGS=-buildvcs=false
WORKDIR /src

# Sources are bind-mounted, not copied, so no layer holds them; the module
# and build caches survive between builds of different services.
RUN --mount=type=bind,source=pkg,target=/src/pkg \
    --mount=type=bind,source=services,target=/src/services \
    --mount=type=bind,source=cmd,target=/src/cmd \
    --mount=type=cache,target=/go/pkg/mod \
    <<'SH'
set -eu
case "${SERVICE:-}" in
  generator|classifier|validator|sink) dir="services/${SERVICE}" ;;
  synthdesk) dir="cmd/synthdesk" ;;
  *) echo "build arg SERVICE must be generator, classifier, validator, sink or synthdesk (got '${SERVICE:-}')" >&2; exit 2 ;;
esac
cd "$dir" && go mod download
SH

RUN --mount=type=bind,source=pkg,target=/src/pkg \
    --mount=type=bind,source=services,target=/src/services \
    --mount=type=bind,source=cmd,target=/src/cmd \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    <<'SH'
set -eu
case "${SERVICE}" in
  synthdesk) dir="cmd/synthdesk" ;;
  *) dir="services/${SERVICE}" ;;
esac
mkdir -p /out
cd "$dir"
GOOS="$TARGETOS" GOARCH="$TARGETARCH" go build -trimpath -ldflags="-s -w" -o /out/app .
SH

# The health probe is a stdlib-only program in the deploy module; building it
# reads no dependency of that module.
RUN --mount=type=bind,source=deploy,target=/src/deploy \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    cd deploy && GOOS="$TARGETOS" GOARCH="$TARGETARCH" \
    go build -trimpath -ldflags="-s -w" -o /out/healthprobe ./healthprobe

FROM gcr.io/distroless/static-debian12:nonroot
ARG SERVICE
LABEL org.opencontainers.image.title="synthdesk-${SERVICE}" \
      org.opencontainers.image.source="https://github.com/synthdesk/synthdesk"
COPY --from=build /out/app /usr/local/bin/app
COPY --from=build /out/healthprobe /usr/local/bin/healthprobe
# Nothing is written outside /tmp: run with a read-only root filesystem and
# mount a tmpfs or emptyDir on /tmp.
ENV SYNTHDESK_HTTP_ADDR=:8080
USER nonroot:nonroot
EXPOSE 8080
# Exec form: distroless has no shell. The CLI image has no HTTP server, so
# compose disables this check for one-shot CLI containers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["/usr/local/bin/healthprobe", "-path", "/readyz"]
ENTRYPOINT ["/usr/local/bin/app"]
