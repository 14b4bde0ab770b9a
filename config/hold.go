package config

import (
	"fmt"
	"time"

	"github.com/drawwatch/drawwatch/hold"
)

// checkRouteHold validates a route's delivery timing: deliver, digest,
// quiet_hours and quiet_for. Messages start with the key.
func checkRouteHold(r Route) []string {
	var msgs []string
	switch r.Deliver {
	case "", hold.DeliverNow:
		if r.Digest != "" {
			msgs = append(msgs, `digest: set, but deliver is not "digest": add deliver = "digest" or drop digest`)
		}
	case hold.DeliverDigest:
		if r.Digest == "" {
			msgs = append(msgs, `digest: deliver = "digest" needs a schedule, e.g. digest = "CRON_TZ=America/Toronto 0 8 * * MON-FRI"`)
		} else if _, err := ParseCron(r.Digest); err != nil {
			msgs = append(msgs, fmt.Sprintf("digest: %v", err))
		}
	default:
		msgs = append(msgs, fmt.Sprintf("deliver: %q is not one of now, digest", r.Deliver))
	}
	if r.QuietHours != "" {
		if _, err := hold.ParseWindow(r.QuietHours); err != nil {
			msgs = append(msgs, fmt.Sprintf("quiet_hours: %v", err))
		}
	}
	for _, k := range r.QuietFor {
		switch k {
		case "draw", "news", "ops":
		default:
			msgs = append(msgs, fmt.Sprintf("quiet_for: %q is not one of draw, news, ops", k))
		}
	}
	if len(r.QuietFor) > 0 && r.QuietHours == "" {
		msgs = append(msgs, `quiet_for: set, but the route has no quiet_hours (e.g. quiet_hours = "21:00-07:30")`)
	}
	return msgs
}

// RouteHold is the route's delivery timing for notify; zone is the
// schedule's time zone, which quiet hours are read in. The route must
// have passed Validate.
func (r Route) RouteHold(zone *time.Location) (hold.Policy, error) {
	p := hold.Policy{Deliver: r.Deliver, Zone: zone, QuietFor: r.QuietFor}
	if r.Deliver == hold.DeliverDigest {
		s, err := ParseCron(r.Digest)
		if err != nil {
			return hold.Policy{}, fmt.Errorf("route %s: digest: %w", r.Name, err)
		}
		p.Digest = s
	}
	if r.QuietHours != "" {
		w, err := hold.ParseWindow(r.QuietHours)
		if err != nil {
			return hold.Policy{}, fmt.Errorf("route %s: quiet_hours: %w", r.Name, err)
		}
		p.Quiet = &w
	}
	return p, nil
}
