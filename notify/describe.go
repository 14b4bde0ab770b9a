package notify

import "github.com/drawwatch/drawwatch"

// ChangeLine is one field change in the words alerts use, for the command
// line: "Health occupations — NOC codes: added 32102", never the internal
// key "2026-03-12|hcp|health-occupations.nocs". an is the announcement the
// change belongs to (nil: the label is rebuilt from the key).
func ChangeLine(an *drawwatch.Announcement, fc drawwatch.FieldChange) string {
	return fieldLabel(an, fc.Field) + ": " + changeText(fc)
}
