// Package roster reads a team's client roster (a CSV file) strictly, and
// keeps the current version in use while the file changes under a daemon.
// Roster data is confidential: errors name rows and columns, never values.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// Columns are the roster's columns; only id is required.
var Columns = []string{"id", "label", "program", "streams", "nocs", "crs", "eoi", "profile_created", "owner"}

// Options say what the roster's values may name.
type Options struct {
	// Targets are the configured target names an owner may name; nil
	// accepts any owner.
	Targets []string
}

// maxErrors caps the problems reported at once: a wrong file (not a
// roster at all) should say so briefly.
const maxErrors = 20

// CellError is one problem in the roster, located by row (the header is
// row 1, as a spreadsheet counts) and column (1-based, with its name).
type CellError struct {
	Row, Column int
	Name        string // column name, "" when the problem is the row itself
	Problem     string
}

func (e *CellError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("row %d: %s", e.Row, e.Problem)
	}
	if e.Name == "" {
		return fmt.Sprintf("row %d, column %d: %s", e.Row, e.Column, e.Problem)
	}
	return fmt.Sprintf("row %d, column %d (%s): %s", e.Row, e.Column, e.Name, e.Problem)
}

// Parse reads a roster CSV with a header row. Every problem is reported,
// with its row and column; none quotes a cell.
func Parse(r io.Reader, opts Options) ([]drawwatch.Client, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read roster: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheet exports start with a BOM
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // counted here, to report row and column
	records, err := cr.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("line %d, column %d: %w (not valid CSV)", pe.Line, pe.Column, pe.Err)
		}
		return nil, err
	}
	if len(records) == 0 {
		return nil, &CellError{Row: 1, Problem: "empty file: the first row must name the columns (" + strings.Join(Columns, ",") + ")"}
	}
	p := parser{opts: opts}
	cols := p.header(records[0])
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	var clients []drawwatch.Client
	firstRow := map[string]int{}
	for i, rec := range records[1:] {
		row := i + 2
		c, ok := p.row(row, rec, cols)
		if !ok {
			if len(p.errs) >= maxErrors {
				p.errs = append(p.errs, fmt.Errorf("stopped after %d problems", maxErrors))
				break
			}
			continue
		}
		if prev, dup := firstRow[c.ID]; dup {
			p.bad(row, cols.pos["id"], "id", fmt.Sprintf("the same id as row %d: one row per client profile", prev))
			continue
		}
		firstRow[c.ID] = row
		clients = append(clients, c)
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return clients, nil
}

type parser struct {
	opts Options
	errs []error
}

func (p *parser) bad(row, col int, name, problem string) {
	p.errs = append(p.errs, &CellError{Row: row, Column: col, Name: name, Problem: problem})
}

// columns maps column names to their 1-based position.
type columns struct {
	names []string
	pos   map[string]int
}

func (p *parser) header(rec []string) columns {
	cols := columns{pos: map[string]int{}}
	for i, raw := range rec {
		name := strings.ToLower(strings.TrimSpace(raw))
		cols.names = append(cols.names, name)
		switch {
		case name == "":
			p.bad(1, i+1, "", "empty column name")
		case !slices.Contains(Columns, name):
			p.bad(1, i+1, name, "unknown column; the roster's columns are "+strings.Join(Columns, ", "))
		case cols.pos[name] != 0:
			p.bad(1, i+1, name, fmt.Sprintf("column named twice (also column %d)", cols.pos[name]))
		default:
			cols.pos[name] = i + 1
		}
	}
	if cols.pos["id"] == 0 && len(p.errs) == 0 {
		p.errs = append(p.errs, &CellError{Row: 1, Problem: "no id column: each client needs the team's file number"})
	}
	return cols
}

var nocRE = regexp.MustCompile(`^[0-9]{4,5}$`)

// row parses one client; false when it had problems (recorded in p.errs).
func (p *parser) row(row int, rec []string, cols columns) (drawwatch.Client, bool) {
	before := len(p.errs)
	if len(rec) != len(cols.names) {
		p.errs = append(p.errs, &CellError{Row: row, Problem: fmt.Sprintf("%d fields, but the header names %d columns", len(rec), len(cols.names))})
		return drawwatch.Client{}, false
	}
	var c drawwatch.Client
	for i, raw := range rec {
		name, v := cols.names[i], strings.TrimSpace(raw)
		bad := func(problem string) { p.bad(row, i+1, name, problem) }
		switch name {
		case "id":
			c.ID = v
			if v == "" {
				bad("required: the team's file number for this client")
			}
		case "label":
			c.Label = v
		case "program":
			c.Program = strings.ToUpper(v)
			if c.Program != "" && drawwatch.ProgramName(c.Program) == c.Program {
				bad("not " + programCodes() + " or empty (any program)")
			}
		case "streams":
			for _, s := range splitList(v) {
				if _, known := drawwatch.LookupStream(drawwatch.Stream(s)); !known && !drawwatch.IsEECategory(s) {
					bad("not a list of stream slugs separated by ';' (OINP: " + strings.Join(drawwatch.StreamSlugs(), ", ") + "; or Express Entry categories)")
					break
				}
				c.Streams = append(c.Streams, drawwatch.Stream(s))
			}
		case "nocs":
			for _, n := range splitList(v) {
				if !nocRE.MatchString(n) {
					bad("not a list of 4- or 5-digit NOC codes separated by ';'")
					break
				}
				c.NOCs = append(c.NOCs, n)
			}
		case "crs", "eoi":
			score, err := parseScore(v)
			if err != nil {
				bad(err.Error())
			}
			if name == "crs" {
				c.CRS = score
			} else {
				c.EOI = score
			}
		case "profile_created":
			if v != "" {
				if _, err := time.Parse(time.DateOnly, v); err != nil {
					bad("not a date like 2024-02-06")
				}
			}
			c.ProfileCreated = v
		case "owner":
			c.Owner = v
			if v != "" && p.opts.Targets != nil && !slices.Contains(p.opts.Targets, v) {
				bad("no [[slack]] or [[email]] target has this name")
			}
		}
	}
	return c, len(p.errs) == before
}

func programCodes() string {
	codes := make([]string, len(drawwatch.Programs))
	for i, p := range drawwatch.Programs {
		codes[i] = p.Code
	}
	return strings.Join(codes, ", ")
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, strings.ToLower(s))
		}
	}
	return out
}

// maxScore is above every score either system gives (CRS tops at 1,200).
const maxScore = 1200

func parseScore(v string) (*int, error) {
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxScore {
		return nil, fmt.Errorf("not a whole number from 0 to %d, or empty", maxScore)
	}
	return &n, nil
}
