package traffic

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketsRoundTrip(t *testing.T) {
	for _, us := range []int64{0, 1, 31, 32, 33, 47, 63, 64, 100, 1000, 12345, 999999, 1 << 30} {
		d := time.Duration(us) * time.Microsecond
		lo, hi := bucketBounds(bucketOf(d))
		if uint64(us) < lo || uint64(us) > hi {
			t.Errorf("%dµs lands in bucket [%d,%d]", us, lo, hi)
		}
		if us >= linearMax && float64(hi-lo+1)/float64(lo) > 1.0/16+1e-9 {
			t.Errorf("bucket [%d,%d] wider than 1/16 of its value", lo, hi)
		}
	}
	// Buckets tile the range with no gap or overlap.
	for i := 1; i < numBuckets; i++ {
		_, prevHi := bucketBounds(i - 1)
		lo, _ := bucketBounds(i)
		if lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, previous ends at %d", i, lo, prevHi)
		}
	}
}

func TestQuantilesOnKnownInputs(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 {
		t.Fatal("empty histogram has a median")
	}
	// 1..1000 ms, in random order.
	values := make([]time.Duration, 1000)
	for i := range values {
		values[i] = time.Duration(i+1) * time.Millisecond
	}
	rand.Shuffle(len(values), func(i, j int) { values[i], values[j] = values[j], values[i] })
	for _, v := range values {
		h.Record(v)
	}
	slices.Sort(values)
	for _, q := range []float64{0.5, 0.9, 0.99, 1} {
		want := values[int(math.Ceil(q*1000))-1]
		got := h.Quantile(q)
		if rel := math.Abs(float64(got-want)) / float64(want); rel > 1.0/32 {
			t.Errorf("p%v = %s, want %s ±3%%", q*100, got, want)
		}
	}
	if h.Count() != 1000 {
		t.Errorf("count = %d", h.Count())
	}
}

func TestHugeAndNegativeDurations(t *testing.T) {
	var h Histogram
	h.Record(-time.Second)
	h.Record(1000 * time.Hour)
	if h.Quantile(0.5) != 0 {
		t.Errorf("negative duration not clamped to 0: %s", h.Quantile(0.5))
	}
	if h.Quantile(1) < 10*time.Hour {
		t.Errorf("huge duration lost: %s", h.Quantile(1))
	}
}

func BenchmarkRecord(b *testing.B) {
	var h Histogram
	for i := 0; b.Loop(); i++ {
		h.Record(time.Duration(i%5000) * time.Microsecond)
	}
}
