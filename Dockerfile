# syntax=docker/dockerfile:1
# Multi-stage: a static CGO-free binary (the SQLite driver is pure Go) in a
# distroless image that runs as non-root with the database on /data.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules in their own layer: source edits do not re-download them, and a
# build machine with a warm module cache needs no network past this step.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download && go mod verify
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags="-s -w -X github.com/drawwatch/drawwatch/scraper.Version=${VERSION}" \
      -o /out/drawwatch ./cmd/drawwatch \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/drawwatch /usr/local/bin/drawwatch
COPY --from=build --chown=65532:65532 /out/data /data
COPY config.example.toml /etc/drawwatch/config.example.toml
WORKDIR /data
VOLUME ["/data"]
ENV DRAWWATCH_CONFIG=/etc/drawwatch/drawwatch.toml
USER nonroot:nonroot
EXPOSE 9180
# distroless has no shell or curl: the binary probes its own /healthz,
# at the http.listen of $DRAWWATCH_CONFIG.
HEALTHCHECK --interval=60s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/drawwatch", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/drawwatch"]
CMD ["run"]
