//go:build !linux

package store

// processIdentity is unknown off Linux: holders are only taken over when
// their heartbeat goes stale.
func processIdentity(pid int) (ident string, exists bool) { return "", true }

func holderGone(pid int, ident string) bool { return false }
