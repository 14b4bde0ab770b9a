// Package web serves the daemon's HTTP endpoint: liveness (/healthz),
// readiness (/readyz), Prometheus metrics (/metrics) and a small read-only
// status page (/) rendered on the server with no external assets.
package web
