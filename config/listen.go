package config

import (
	"fmt"
	"net"
	"strconv"
)

// CheckListen validates http.listen before anything starts, so that
// `config check` rejects what the daemon could not bind: "" (no
// listener), ":PORT" (loopback), or HOST:PORT with HOST an IP address or
// a name.
func CheckListen(listen string) error {
	if listen == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT (%v); write \":9180\" for loopback only or \"0.0.0.0:9180\" for every interface", listen, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 1 to 65535", listen, port)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return fmt.Errorf("%q: host %q is neither an IP address nor a host name", listen, host)
	}
	return nil
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
		default:
			return false
		}
	}
	return true
}
