package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable prints the result as a table, then every violation with the
// path that explains it (the hop that blocked a required flow, or every hop
// that let a forbidden one through).
func WriteTable(w io.Writer, res *Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FLOW\tAZ\tEXPECT\tFROM\tTO\tPORT\tCHECKS\tRESULT")
	for _, r := range res.Rows {
		az := r.AZ
		if az == "" {
			az = "-"
		}
		result := string(r.Status)
		if r.Note != "" {
			result += " (" + r.Note + ")"
		} else if r.FailureCount > 0 {
			result += fmt.Sprintf(" (%d of %d checks)", r.FailureCount, r.Checks)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Flow, az, r.Expect, r.From, r.To, r.Ports, r.Checks, result)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.Violations == 0 {
		_, err := fmt.Fprintf(w, "\nall %d flows hold\n", len(res.Rows))
		return err
	}
	fmt.Fprintf(w, "\n%d violation(s):\n", res.Violations)
	for _, r := range res.Rows {
		if r.Status != StatusViolation {
			continue
		}
		name := r.Flow
		if r.AZ != "" {
			name += " @" + r.AZ
		}
		if len(r.Failures) == 0 {
			fmt.Fprintf(w, "\n%s (expect %s): %s\n", name, r.Expect, r.Note)
			continue
		}
		for _, f := range r.Failures {
			fmt.Fprintf(w, "\n%s (expect %s): %s -> %s %s/%d is %s\n  %s\n", name, r.Expect, f.From, f.To, f.Proto, f.Port, f.Outcome, f.Reason)
			if f.Hop != "" {
				fmt.Fprintf(w, "  deciding hop: %s\n", f.Hop)
			}
			for i, h := range f.Path {
				fmt.Fprintf(w, "    %2d. %s\n", i+1, h)
			}
		}
		if more := r.FailureCount - len(r.Failures); more > 0 {
			fmt.Fprintf(w, "  ... and %d more failing check(s) of %s\n", more, name)
		}
	}
	return nil
}

// WriteJSON prints the result as JSON.
func WriteJSON(w io.Writer, res *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// Summary is a one-line description of a row's failure, for test messages.
func (r Row) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", r.Flow)
	if r.AZ != "" {
		fmt.Fprintf(&b, " @%s", r.AZ)
	}
	fmt.Fprintf(&b, ": %s", r.Status)
	if r.Note != "" {
		fmt.Fprintf(&b, " (%s)", r.Note)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "; %s -> %s %s/%d %s: %s", f.From, f.To, f.Proto, f.Port, f.Outcome, f.Reason)
		if f.Hop != "" {
			fmt.Fprintf(&b, " [%s]", f.Hop)
		}
	}
	return b.String()
}
