package traffic

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram is a lock-free log-linear latency histogram: exact below 32µs,
// then 16 buckets per power of two, so any quantile it reports is within
// 1/32 (about 3%) of a true sample value. It covers up to about 25 days.
type Histogram struct {
	counts [numBuckets]atomic.Uint64
	total  atomic.Uint64
}

const (
	subBits    = 4 // 16 sub-buckets per power of two
	linearMax  = 2 << subBits
	maxShift   = 36
	numBuckets = linearMax + maxShift<<subBits
)

// Record adds one observation.
func (h *Histogram) Record(d time.Duration) {
	h.counts[bucketOf(d)].Add(1)
	h.total.Add(1)
}

// Count is the number of observations.
func (h *Histogram) Count() uint64 { return h.total.Load() }

// Quantile returns the q-quantile (0 < q <= 1) as the midpoint of the bucket
// holding the rank-ceil(q*n) observation, or 0 with no observations.
func (h *Histogram) Quantile(q float64) time.Duration {
	var counts [numBuckets]uint64
	var n uint64
	for i := range h.counts {
		counts[i] = h.counts[i].Load()
		n += counts[i]
	}
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n) + 0.999999999)
	rank = max(1, min(rank, n))
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketBounds(i)
			return time.Duration((lo+hi)/2) * time.Microsecond
		}
	}
	return 0
}

func bucketOf(d time.Duration) int {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	v := uint64(us)
	if v < linearMax {
		return int(v)
	}
	shift := bits.Len64(v) - (subBits + 1) // >= 1 since v >= 32
	if shift > maxShift {
		return numBuckets - 1
	}
	mantissa := v >> shift // in [16, 31]
	return linearMax + (shift-1)<<subBits + int(mantissa) - (1 << subBits)
}

// bucketBounds returns the inclusive microsecond range of bucket i.
func bucketBounds(i int) (lo, hi uint64) {
	if i < linearMax {
		return uint64(i), uint64(i)
	}
	j := i - linearMax
	shift := j>>subBits + 1
	mantissa := uint64(j&(1<<subBits-1) + 1<<subBits)
	return mantissa << shift, (mantissa+1)<<shift - 1
}
