package platformverify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints the report as a table: one row per check, its findings
// indented below it, then a verdict line.
func (r *Report) WriteText(w io.Writer) error {
	width := len("CHECK")
	for _, res := range r.Results {
		width = max(width, len(res.ID))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "platform-verify: env %s, region %s\n", r.Env, r.Region)
	fmt.Fprintf(&b, "%-*s  %-6s  %s\n", width, "CHECK", "RESULT", "DETAIL")
	passed := 0
	for _, res := range r.Results {
		if res.Status == Pass {
			passed++
		}
		fmt.Fprintf(&b, "%-*s  %-6s  %s\n", width, res.ID, res.Status, res.Summary)
		for _, f := range res.Findings {
			fmt.Fprintf(&b, "%-*s  %-6s  - %s\n", width, "", "", f)
		}
	}
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "%s: %d of %d checks passed\n", verdict, passed, len(r.Results))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the report as one JSON document with a "passed" field.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		*Report
		Passed bool `json:"passed"`
	}{r, r.Passed()})
}
