package config

import (
	"testing"
	"time"
)

func TestScheduleZone(t *testing.T) {
	tests := []struct{ spec, want string }{
		{DefaultCron, "America/Toronto"},
		{"CRON_TZ=America/Vancouver 0 9 * * *", "America/Vancouver"},
		{"TZ=UTC */10 * * * *", "UTC"},
		{"*/10 7-21 * * MON-FRI", time.Local.String()},
		{"@every 30s", time.Local.String()},
		{"not a spec", time.Local.String()},
	}
	for _, tt := range tests {
		if got := ScheduleZone(tt.spec).String(); got != tt.want {
			t.Errorf("ScheduleZone(%q) = %s, want %s", tt.spec, got, tt.want)
		}
	}
}
