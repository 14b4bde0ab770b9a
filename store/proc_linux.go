package store

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// processIdentity names one process instance on this host: the boot id and
// the process's start time, so that a reused PID or a PID from before a
// reboot is not mistaken for the process that took the lock.
func processIdentity(pid int) (ident string, exists bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		return "", true // cannot tell: assume alive
	}
	// The command name (field 2) may hold spaces and parentheses; fields
	// after the last ')' start at field 3 (state), so starttime (22) is 19.
	rest := string(stat)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	fields := strings.Fields(rest)
	if len(fields) < 20 {
		return "", true
	}
	if fields[0] == "Z" || fields[0] == "X" {
		return "", false // killed, not yet reaped by its parent
	}
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return strings.TrimSpace(string(boot)) + "/" + fields[19], true
}

// holderGone reports that the lock holder pid, recorded with identity
// ident, is certainly not running on this host any more.
func holderGone(pid int, ident string) bool {
	now, exists := processIdentity(pid)
	if !exists {
		return true
	}
	return ident != "" && now != "" && now != ident
}
