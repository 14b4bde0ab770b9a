// Package output writes what the drawwatch command prints: tables of
// draws, alerts and versions, pass summaries, CSV and JSON. Commands choose
// a format; this package knows what each looks like.
package output

import (
	"encoding/json"
	"io"
)

// JSON is every command's JSON output: one indented document.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
