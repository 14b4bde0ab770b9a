package web

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A strict reader of the Prometheus text format 0.0.4, written for tests
// so that /metrics is checked against the format rather than against the
// writer's own idea of it.

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

type promSample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

type promFamily struct {
	Name    string
	Type    string
	Help    string
	Samples []promSample
}

// parseProm reads a whole exposition and checks: HELP/TYPE syntax, one TYPE
// per family before its samples, names and labels well formed, label values
// correctly escaped, float values, families contiguous, no duplicate series,
// and histogram buckets cumulative with +Inf equal to _count.
func parseProm(r io.Reader) (map[string]*promFamily, error) {
	fams := map[string]*promFamily{}
	seen := map[string]bool{}   // series identity
	closed := map[string]bool{} // families whose samples block has ended
	current := ""
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		fail := func(format string, a ...any) error {
			return fmt.Errorf("line %d %q: %s", line, text, fmt.Sprintf(format, a...))
		}
		if text == "" {
			return nil, fail("empty line")
		}
		if strings.HasPrefix(text, "#") {
			fields := strings.SplitN(text, " ", 4)
			if len(fields) < 2 || fields[0] != "#" {
				return nil, fail("comment must start with '# '")
			}
			if fields[1] != "HELP" && fields[1] != "TYPE" {
				continue // a plain comment
			}
			if len(fields) < 4 {
				return nil, fail("%s needs a metric name and text", fields[1])
			}
			name, rest := fields[2], fields[3]
			if !metricNameRE.MatchString(name) {
				return nil, fail("bad metric name %q", name)
			}
			f := fams[name]
			if f == nil {
				f = &promFamily{Name: name}
				fams[name] = f
			}
			if len(f.Samples) > 0 {
				return nil, fail("%s after samples of %s", fields[1], name)
			}
			switch fields[1] {
			case "HELP":
				if f.Help != "" {
					return nil, fail("second HELP for %s", name)
				}
				h, err := unescape(rest, false)
				if err != nil {
					return nil, fail("%v", err)
				}
				f.Help = h
			case "TYPE":
				if f.Type != "" {
					return nil, fail("second TYPE for %s", name)
				}
				switch rest {
				case "counter", "gauge", "histogram", "summary", "untyped":
				default:
					return nil, fail("unknown type %q", rest)
				}
				f.Type = rest
			}
			continue
		}
		s, err := parseSampleLine(text)
		if err != nil {
			return nil, fail("%v", err)
		}
		fam := familyOf(s.Name, fams)
		if fam == nil {
			return nil, fail("sample %s has no TYPE declared before it", s.Name)
		}
		if fam.Name != current {
			if closed[fam.Name] {
				return nil, fail("samples of %s are not contiguous", fam.Name)
			}
			if current != "" {
				closed[current] = true
			}
			current = fam.Name
		}
		if fam.Type == "histogram" && strings.HasSuffix(s.Name, "_bucket") {
			if _, ok := s.Labels["le"]; !ok {
				return nil, fail("histogram bucket without le")
			}
		}
		id := seriesID(s.Name, s.Labels)
		if seen[id] {
			return nil, fail("duplicate series %s", id)
		}
		seen[id] = true
		fam.Samples = append(fam.Samples, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, f := range fams {
		if f.Type == "" {
			return nil, fmt.Errorf("family %s has HELP but no TYPE", f.Name)
		}
		if f.Type == "histogram" {
			if err := checkHistogram(f); err != nil {
				return nil, err
			}
		}
	}
	return fams, nil
}

// familyOf maps a sample name to its declared family, allowing the
// suffixes histograms and summaries add.
func familyOf(name string, fams map[string]*promFamily) *promFamily {
	if f := fams[name]; f != nil && f.Type != "" {
		if f.Type == "histogram" {
			return nil // a histogram's samples always carry a suffix
		}
		return f
	}
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		base, ok := strings.CutSuffix(name, suf)
		if !ok {
			continue
		}
		f := fams[base]
		if f == nil {
			continue
		}
		if f.Type == "histogram" || (f.Type == "summary" && suf != "_bucket") {
			return f
		}
	}
	return nil
}

func checkHistogram(f *promFamily) error {
	type acc struct {
		last     float64
		lastB    float64
		inf      float64
		hasInf   bool
		count    float64
		hasCount bool
	}
	groups := map[string]*acc{}
	get := func(labels map[string]string) *acc {
		rest := map[string]string{}
		for k, v := range labels {
			if k != "le" {
				rest[k] = v
			}
		}
		id := seriesID("", rest)
		a := groups[id]
		if a == nil {
			a = &acc{last: math.Inf(-1)}
			groups[id] = a
		}
		return a
	}
	for _, s := range f.Samples {
		a := get(s.Labels)
		switch {
		case strings.HasSuffix(s.Name, "_bucket"):
			le, err := parseValue(s.Labels["le"])
			if err != nil {
				return fmt.Errorf("%s: bad le %q", f.Name, s.Labels["le"])
			}
			if le <= a.last {
				return fmt.Errorf("%s: buckets not in increasing le order", f.Name)
			}
			if s.Value < a.lastB {
				return fmt.Errorf("%s: bucket counts not cumulative", f.Name)
			}
			a.last, a.lastB = le, s.Value
			if math.IsInf(le, 1) {
				a.inf, a.hasInf = s.Value, true
			}
		case strings.HasSuffix(s.Name, "_count"):
			a.count, a.hasCount = s.Value, true
		}
	}
	for id, a := range groups {
		if !a.hasInf || !a.hasCount || a.inf != a.count {
			return fmt.Errorf("%s%s: +Inf bucket (%v) must exist and equal _count (%v)", f.Name, id, a.inf, a.count)
		}
	}
	return nil
}

func seriesID(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		fmt.Fprintf(&b, "|%s=%q", k, labels[k])
	}
	return b.String()
}

// parseSampleLine reads `name{l="v",...} value [timestamp]`.
func parseSampleLine(text string) (promSample, error) {
	s := promSample{Labels: map[string]string{}}
	i := strings.IndexAny(text, "{ ")
	if i <= 0 {
		return s, fmt.Errorf("no metric name")
	}
	s.Name = text[:i]
	if !metricNameRE.MatchString(s.Name) {
		return s, fmt.Errorf("bad metric name %q", s.Name)
	}
	rest := text[i:]
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.IndexByte(rest, '=')
			if eq <= 0 {
				return s, fmt.Errorf("label without '='")
			}
			ln := rest[:eq]
			if !labelNameRE.MatchString(ln) {
				return s, fmt.Errorf("bad label name %q", ln)
			}
			if _, dup := s.Labels[ln]; dup {
				return s, fmt.Errorf("label %q twice", ln)
			}
			rest = rest[eq+1:]
			if !strings.HasPrefix(rest, `"`) {
				return s, fmt.Errorf("label %s value not quoted", ln)
			}
			raw, n, err := quoted(rest[1:])
			if err != nil {
				return s, fmt.Errorf("label %s: %w", ln, err)
			}
			v, err := unescape(raw, true)
			if err != nil {
				return s, fmt.Errorf("label %s: %w", ln, err)
			}
			s.Labels[ln] = v
			rest = rest[1+n+1:]
			switch {
			case strings.HasPrefix(rest, ","):
				rest = rest[1:]
			case strings.HasPrefix(rest, "}"):
			default:
				return s, fmt.Errorf("expected ',' or '}' after label %s", ln)
			}
		}
	}
	if !strings.HasPrefix(rest, " ") {
		return s, fmt.Errorf("no space before value")
	}
	fields := strings.Split(rest[1:], " ")
	if len(fields) < 1 || len(fields) > 2 {
		return s, fmt.Errorf("want value and optional timestamp")
	}
	v, err := parseValue(fields[0])
	if err != nil {
		return s, err
	}
	s.Value = v
	if len(fields) == 2 {
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			return s, fmt.Errorf("bad timestamp %q", fields[1])
		}
	}
	return s, nil
}

// quoted returns the raw text up to the closing unescaped quote and its length.
func quoted(s string) (string, int, error) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return s[:i], i, nil
		}
	}
	return "", 0, fmt.Errorf("unterminated label value")
}

// unescape allows only the escapes the format defines: \\ and \n, plus \"
// in label values.
func unescape(s string, label bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			return "", fmt.Errorf("raw newline")
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return "", fmt.Errorf("trailing backslash")
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case '"':
			if !label {
				return "", fmt.Errorf(`\" is only allowed in label values`)
			}
			b.WriteByte('"')
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

func parseValue(s string) (float64, error) {
	switch s {
	case "+Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	if s == "" || strings.ContainsAny(s, "_xXpP") || strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity") {
		return 0, fmt.Errorf("bad float %q", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("bad float %q", s)
	}
	return v, nil
}

// value returns the one sample of family fam named name with exactly labels.
func (f *promFamily) value(name string, labels map[string]string) (float64, bool) {
	id := seriesID(name, labels)
	for _, s := range f.Samples {
		if seriesID(s.Name, s.Labels) == id {
			return s.Value, true
		}
	}
	return 0, false
}
