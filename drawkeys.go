package drawwatch

import "strconv"

// DrawKeys gives each draw of an announcement a key unique within it: the
// draw's Key, with "#2", "#3" ... for repeats, which a page may hold when
// two draws share date, stream and category. Field changes of draws are
// prefixed with these keys, so the engine's diff and the renderers that
// highlight a change must agree on them.
func DrawKeys(draws []Draw) []string {
	keys := make([]string, len(draws))
	seen := make(map[string]int, len(draws))
	for i, d := range draws {
		k := d.Key()
		seen[k]++
		if n := seen[k]; n > 1 {
			k += "#" + strconv.Itoa(n)
		}
		keys[i] = k
	}
	return keys
}
