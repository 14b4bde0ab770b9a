package drawwatch

import "testing"

// TestContentHash: the known SHA-256 digests, the empty text included
// (ContentHash reads the string's bytes in place).
func TestContentHash(t *testing.T) {
	for in, want := range map[string]string{
		"":    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	} {
		if got := ContentHash(in); got != want {
			t.Errorf("ContentHash(%q) = %s, want %s", in, got, want)
		}
	}
}
