package canary

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is a run's verdict: per flow and overall, with the SLO it was held to.
type Report struct {
	Target      string       `json:"target"`
	Health      string       `json:"health,omitempty"`
	Started     time.Time    `json:"started"`
	ElapsedS    float64      `json:"elapsed_seconds"`
	Rate        float64      `json:"rate_per_second"`
	Concurrency int          `json:"concurrency"`
	Planned     int          `json:"planned_checks"`
	Interrupted bool         `json:"interrupted"`
	SLO         SLOReport    `json:"slo"`
	Flows       []FlowReport `json:"flows"`
	Overall     FlowReport   `json:"overall"`
	Pass        bool         `json:"pass"`
	Reasons     []string     `json:"reasons"`
	slo         SLO
}

// SLOReport is the SLO in a report.
type SLOReport struct {
	SuccessPercent float64 `json:"success_percent"`
	P99MS          float64 `json:"p99_ms"`
}

// FlowReport is one row of the verdict table.
type FlowReport struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	OK    int    `json:"ok"`
	// Errors counts failures by kind; ErrorExamples has the first message of each.
	Errors         map[Kind]int     `json:"errors"`
	ErrorExamples  map[Kind]string  `json:"error_examples,omitempty"`
	SuccessPercent float64          `json:"success_percent"`
	P50MS          *float64         `json:"p50_ms"` // null when no check passed
	P99MS          *float64         `json:"p99_ms"`
	Pass           bool             `json:"pass"`
	Reasons        []string         `json:"reasons,omitempty"`
	latency        [2]time.Duration // p50, p99; -1 when none
}

// NewReport evaluates a run's results against slo.
func NewReport(res *RunResult, o RunOptions, slo SLO, started time.Time) *Report {
	r := &Report{
		Target: o.Target.API, Health: o.Target.Health, Started: started.UTC(),
		ElapsedS: res.Elapsed.Seconds(), Rate: o.Rate, Concurrency: o.Concurrency,
		Planned: res.Planned, Interrupted: res.Interrupted,
		SLO:  SLOReport{SuccessPercent: slo.SuccessPercent.Float(), P99MS: ms(slo.P99)},
		Pass: true, Reasons: []string{}, slo: slo,
	}
	for _, f := range res.Flows {
		fr := flowReport(f, slo)
		r.Flows = append(r.Flows, fr)
		r.Reasons = append(r.Reasons, fr.Reasons...)
	}
	r.Overall = flowReport(res.All(), slo)
	r.Reasons = append(r.Reasons, r.Overall.Reasons...)
	r.Pass = len(r.Reasons) == 0
	return r
}

func flowReport(s *FlowStats, slo SLO) FlowReport {
	fr := FlowReport{
		Name: s.Name, Count: s.Count, OK: s.OK, Errors: map[Kind]int{},
		SuccessPercent: s.Success().Float(),
		ErrorExamples:  s.Example,
		latency:        [2]time.Duration{s.Percentile(50 * PercentUnit), s.Percentile(99 * PercentUnit)},
	}
	for k, n := range s.Errors {
		fr.Errors[k] = n
	}
	if fr.latency[0] >= 0 {
		p50, p99 := ms(fr.latency[0]), ms(fr.latency[1])
		fr.P50MS, fr.P99MS = &p50, &p99
	}
	fr.Reasons = slo.Evaluate(s)
	fr.Pass = len(fr.Reasons) == 0
	return fr
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the verdict table, an example of each kind of error and
// the final SLO line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	stopped := ""
	if r.Interrupted {
		stopped = ", stopped early"
	}
	fmt.Fprintf(&b, "canary: %d of %d planned checks against %s in %.1fs (rate %s/s, concurrency %d%s)\n",
		r.Overall.Count, r.Planned, r.Target, r.ElapsedS, strconv.FormatFloat(r.Rate, 'f', -1, 64), r.Concurrency, stopped)
	rows := [][]string{{"FLOW", "COUNT", "OK", "ERRORS", "P50", "P99", "VERDICT"}}
	for _, f := range append(slices.Clone(r.Flows), r.Overall) {
		verdict := "PASS"
		if !f.Pass {
			verdict = "FAIL"
		}
		rows = append(rows, []string{f.Name, strconv.Itoa(f.Count), strconv.Itoa(f.OK), formatErrors(f.Errors),
			formatLatency(f.latency[0]), formatLatency(f.latency[1]), verdict})
	}
	writeTable(&b, rows, []bool{false, true, true, false, true, true, false})
	for _, f := range r.Flows {
		for _, k := range Kinds {
			if e, ok := f.ErrorExamples[k]; ok {
				fmt.Fprintf(&b, "  %s %s: %s\n", f.Name, k, e)
			}
		}
	}
	slo := fmt.Sprintf("success >= %s%%, p99 <= %s per flow and overall", r.slo.SuccessPercent, r.slo.P99)
	if r.Pass {
		fmt.Fprintf(&b, "SLO: PASS (%s)\n", slo)
	} else {
		fmt.Fprintf(&b, "SLO: FAIL (%s)\n", strings.Join(r.Reasons, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable aligns rows in columns two spaces apart; right[i] right-aligns
// column i (numbers).
func writeTable(b *strings.Builder, rows [][]string, right []bool) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if right[i] {
				line.WriteString(pad + cell)
			} else {
				line.WriteString(cell + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// formatErrors lists error counts in kind order: "status=2,timeout=1", or "-".
func formatErrors(errs map[Kind]int) string {
	var parts []string
	for _, k := range Kinds {
		if n := errs[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", k, n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

// formatLatency prints milliseconds with two decimals, or "-" for none.
func formatLatency(d time.Duration) string {
	if d < 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
}
