package reqctx

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestRequestID(t *testing.T) {
	for _, keep := range []string{"abc-123", "req_1.2:3/4", strings.Repeat("a", 128)} {
		if got := RequestID(keep); got != keep {
			t.Errorf("RequestID(%q) = %q, want it kept", keep, got)
		}
	}
	for _, replace := range []string{"", "has space", "new\nline", `"quoted"`, strings.Repeat("a", 129), "ünicode"} {
		got := RequestID(replace)
		if got == replace || len(got) != 32 || !isLowerHex(got) {
			t.Errorf("RequestID(%q) = %q, want a fresh 32-hex id", replace, got)
		}
	}
	if a, b := NewID(), NewID(); a == b {
		t.Error("two fresh ids are equal")
	}
}

func TestTraceparent(t *testing.T) {
	const in = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tr := ParseTraceparent(in)
	if tr.TraceID() != "4bf92f3577b34da6a3ce929d0e0e4736" || tr.Header()[53:] != "01" {
		t.Fatalf("trace not continued: %s", tr.Header())
	}
	if tr.SpanID() == "00f067aa0ba902b7" || len(tr.SpanID()) != 16 {
		t.Errorf("span id %q must be new", tr.SpanID())
	}
	if h := tr.Header(); !strings.HasPrefix(h, "00-4bf92f3577b34da6a3ce929d0e0e4736-") || !strings.HasSuffix(h, "-01") || len(h) != 55 {
		t.Errorf("Header() = %q", h)
	}
	// A future version may carry more fields.
	if tr := ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"); tr.TraceID() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("future version not continued: %s", tr.Header())
	}

	for _, bad := range []string{
		"",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has no extra fields
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
		"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	} {
		tr := ParseTraceparent(bad)
		if tr.TraceID() == "4bf92f3577b34da6a3ce929d0e0e4736" || len(tr.TraceID()) != 32 || !isLowerHex(tr.TraceID()) || tr.Header()[53:] != "00" {
			t.Errorf("ParseTraceparent(%q) = %s, want a new trace", bad, tr.Header())
		}
	}
}

func FuzzHeaders(f *testing.F) {
	for _, s := range []string{"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "abc", "x\r\ny", strings.Repeat("-", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if id := RequestID(h); !ValidRequestID(id) {
			t.Fatalf("RequestID(%q) = %q is not a safe id", h, id)
		}
		tr := ParseTraceparent(h)
		hdr := tr.Header()
		if len(hdr) != 55 || !isLowerHex(hdr[3:35]+hdr[36:52]+hdr[53:]) || allZero(tr.TraceID()) || allZero(tr.SpanID()) {
			t.Fatalf("ParseTraceparent(%q) = %q", h, hdr)
		}
	})
}

// The append forms make exactly what the string forms make, after any
// prefix already in the buffer.
func TestAppendForms(t *testing.T) {
	tr := ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	got := string(tr.AppendHeader([]byte("x")))
	if got != "x"+tr.Header() || len(got) != 1+HeaderLen {
		t.Errorf("AppendHeader = %q, want %q", got, "x"+tr.Header())
	}
	id := AppendNewID([]byte("y"))
	if len(id) != 1+IDLen || id[0] != 'y' || !isLowerHex(string(id[1:])) || len(NewID()) != IDLen {
		t.Errorf("AppendNewID = %q", id)
	}
}

// appendHex is hex.AppendEncode, for every byte value in every position
// and for lengths that are and are not multiples of eight.
func TestAppendHexMatchesEncodingHex(t *testing.T) {
	var all [256]byte
	for i := range all {
		all[i] = byte(i)
	}
	for start := range 8 {
		for n := 0; start+n <= len(all); n += 1 + n/4 {
			b := all[start : start+n]
			if got, want := string(appendHex([]byte("x"), b)), "x"+hex.EncodeToString(b); got != want {
				t.Fatalf("appendHex(% x) = %q, want %q", b, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		b := make([]byte, rng.IntN(41))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if got, want := string(appendHex(nil, b)), hex.EncodeToString(b); got != want {
			t.Fatalf("appendHex(% x) = %q, want %q", b, got, want)
		}
	}
}

func BenchmarkIDs(b *testing.B) {
	var buf [IDLen + HeaderLen]byte
	for b.Loop() {
		t := ParseTraceparent("")
		_ = t.AppendHeader(AppendNewID(buf[:0]))
	}
}
