// Package cli is the reachability command: check one flow, verify a policy,
// or list the endpoint names of a state or plan (`tofu show -json`).
package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/policy"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tfjson"
)

// Exit codes.
const (
	ExitOK        = 0
	ExitViolation = 1 // a policy violation, or a checked flow that is not allowed
	ExitUsage     = 2 // bad usage or input
)

const usage = `reachability: which flows does an AWS network allow? Computed from OpenTofu/Terraform JSON.

Usage:
  reachability check  --from NAME --to NAME --port PORT [--proto tcp|udp] [flags] STATE.json
  reachability verify --policy POLICY.yaml [flags] STATE.json
  reachability names  STATE.json

STATE.json is ` + "`tofu show -json`" + ` of a state or of a saved plan (values known
before apply only), or a raw state file (` + "`tofu state pull`" + `).

Flags:
  --policy FILE     policy file (verify; with check, only its aliases are used)
  --var NAME=VALUE  a fact for the policy's "when:" conditions (repeatable;
                    overrides root outputs and plan variables of the same name)
  --format FORMAT   table (default) or json
  --allow-unknown   go on when a plan leaves resources' ids unknown (their
                    wiring is left out of the model)
  -v                print every model warning

Exit status: 0 all allowed / the policy holds; 1 a flow is not allowed / the
policy is violated; 2 bad usage or input.
Names: see docs/reachability.md (bastion@us-east-1a, nodes, eks-api, nlb,
nat@us-east-1b, vpc-endpoint:sts, internet, vpn-client, vpc:app, subnet:lb-public).
`

type options struct {
	policy       string
	vars         map[string]any
	format       string
	allowUnknown bool
	verbose      bool
	from, to     string
	port         int
	proto        string
}

type varFlag map[string]any

func (v varFlag) String() string { return "" }

func (v varFlag) Set(s string) error {
	k, val, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	v[strings.TrimSpace(k)] = policy.ParseFact(val)
	return nil
}

// usageError is bad usage (exit 2, with the usage hint).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Main runs the command and returns its exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	var code int
	var err error
	switch cmd {
	case "check":
		code, err = runCheck(rest, stdout, stderr)
	case "verify":
		code, err = runVerify(rest, stdout, stderr)
	case "names":
		code, err = runNames(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	default:
		err = usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	if err != nil {
		fmt.Fprintf(stderr, "reachability %s: %v\n", cmd, err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "run `reachability help` for usage")
		}
		return ExitUsage
	}
	return code
}

// parse parses flags that may come before or after the positional argument.
func parse(cmd string, args []string, stderr io.Writer, o *options) (string, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o.vars = map[string]any{}
	fs.StringVar(&o.policy, "policy", "", "")
	fs.Var(varFlag(o.vars), "var", "")
	fs.StringVar(&o.format, "format", "table", "")
	fs.BoolVar(&o.allowUnknown, "allow-unknown", false, "")
	fs.BoolVar(&o.verbose, "v", false, "")
	fs.StringVar(&o.from, "from", "", "")
	fs.StringVar(&o.to, "to", "", "")
	fs.IntVar(&o.port, "port", 0, "")
	fs.StringVar(&o.proto, "proto", "tcp", "")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return "", usageError{fmt.Sprintf("want exactly one STATE.json argument, got %d", len(pos))}
	}
	if o.format != "table" && o.format != "json" {
		return "", usageError{fmt.Sprintf("--format %q: want table or json", o.format)}
	}
	return pos[0], nil
}

// load reads the input and builds the model, printing warnings.
func load(path string, o *options, stderr io.Writer) (*model.Network, error) {
	doc, err := tfjson.ReadFile(path)
	if err != nil {
		return nil, err
	}
	n, err := model.Build(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(n.Unresolved) > 0 && !o.allowUnknown {
		shown := n.Unresolved
		if len(shown) > 10 {
			shown = shown[:10]
		}
		return nil, fmt.Errorf("%s: %d resource(s) have network wiring known only after apply, so no proof is possible from this plan:\n  %s\nrun it on the state after apply (offline: apply against the stand-in provider), on a plan of an existing stack, or pass --allow-unknown to leave them out",
			path, len(n.Unresolved), strings.Join(shown, "\n  "))
	}
	limit := 10
	if o.verbose {
		limit = len(n.Warnings)
	}
	for i, w := range n.Warnings {
		if i == limit {
			fmt.Fprintf(stderr, "warning: ... and %d more (-v prints all)\n", len(n.Warnings)-limit)
			break
		}
		fmt.Fprintln(stderr, "warning:", w)
	}
	return n, nil
}

func runCheck(args []string, stdout, stderr io.Writer) (int, error) {
	var o options
	path, err := parse("check", args, stderr, &o)
	if err != nil {
		return 0, err
	}
	switch {
	case o.from == "" || o.to == "":
		return 0, usageError{"--from and --to are required"}
	case o.port < 1 || o.port > 65535:
		return 0, usageError{"--port is required: 1 to 65535"}
	case o.proto != "tcp" && o.proto != "udp":
		return 0, usageError{fmt.Sprintf("--proto %q: want tcp or udp", o.proto)}
	}
	pol := &policy.Policy{}
	if o.policy != "" {
		if pol, err = policy.Load(o.policy); err != nil {
			return 0, err
		}
	}
	n, err := load(path, &o, stderr)
	if err != nil {
		return 0, err
	}
	from, err := n.Resolve(pol.Alias(o.from), model.Source)
	if err != nil {
		return 0, fmt.Errorf("--from: %w", err)
	}
	to, err := n.Resolve(pol.Alias(o.to), model.Destination)
	if err != nil {
		return 0, fmt.Errorf("--to: %w", err)
	}
	if len(from.Members) == 0 || len(to.Members) == 0 {
		return 0, fmt.Errorf("no endpoint %s / %s in that AZ", o.from, o.to)
	}
	ev := eval.New(n)
	var verdicts []eval.Verdict
	code := ExitOK
	for _, a := range from.Members {
		for _, b := range to.Members {
			if !model.Applicable(a, b) {
				continue
			}
			v := ev.Check(eval.Flow{From: a, To: b, Proto: o.proto, Port: o.port})
			if v.Outcome() != eval.Delivered {
				code = ExitViolation
			}
			verdicts = append(verdicts, v)
		}
	}
	if o.format == "json" {
		return code, writeVerdictsJSON(stdout, verdicts)
	}
	return code, writeVerdicts(stdout, verdicts)
}

func writeVerdicts(w io.Writer, vs []eval.Verdict) error {
	for i := range vs {
		v := &vs[i]
		if _, err := fmt.Fprintf(w, "%s: %s\n", v.Flow, v.Outcome()); err != nil {
			return err
		}
		for j, p := range v.Paths {
			if len(v.Paths) > 1 {
				fmt.Fprintf(w, "  path %d of %d: %s", j+1, len(v.Paths), p.Outcome)
				if len(p.Via) > 0 {
					fmt.Fprintf(w, " (via %s)", strings.Join(p.Via, ", "))
				}
				fmt.Fprintln(w)
			}
			for k, h := range p.Hops {
				mark := " "
				if !h.OK {
					mark = "x"
				}
				fmt.Fprintf(w, "   %s %2d. %s\n", mark, k+1, h)
			}
		}
	}
	return nil
}

type jsonPath struct {
	Outcome string     `json:"outcome"`
	Via     []string   `json:"via,omitempty"`
	Hops    []eval.Hop `json:"hops"`
}

type jsonVerdict struct {
	From    string     `json:"from"`
	To      string     `json:"to"`
	Proto   string     `json:"proto"`
	Port    int        `json:"port"`
	Outcome string     `json:"outcome"`
	Paths   []jsonPath `json:"paths"`
}

func writeVerdictsJSON(w io.Writer, vs []eval.Verdict) error {
	out := make([]jsonVerdict, 0, len(vs))
	for i := range vs {
		v := &vs[i]
		jv := jsonVerdict{From: v.Flow.From.Name, To: v.Flow.To.Name, Proto: v.Flow.Proto, Port: v.Flow.Port, Outcome: v.Outcome().String()}
		for _, p := range v.Paths {
			jv.Paths = append(jv.Paths, jsonPath{Outcome: p.Outcome.String(), Via: p.Via, Hops: p.Hops})
		}
		out = append(out, jv)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func runVerify(args []string, stdout, stderr io.Writer) (int, error) {
	var o options
	path, err := parse("verify", args, stderr, &o)
	if err != nil {
		return 0, err
	}
	if o.policy == "" {
		return 0, usageError{"--policy is required"}
	}
	pol, err := policy.Load(o.policy)
	if err != nil {
		return 0, err
	}
	n, err := load(path, &o, stderr)
	if err != nil {
		return 0, err
	}
	res, err := policy.Verify(eval.New(n), pol, policy.Options{Facts: o.vars})
	if err != nil {
		return 0, err
	}
	if o.format == "json" {
		err = policy.WriteJSON(stdout, res)
	} else {
		err = policy.WriteTable(stdout, res)
	}
	if err != nil {
		return 0, err
	}
	if res.Violations > 0 {
		return ExitViolation, nil
	}
	return ExitOK, nil
}

func runNames(args []string, stdout, stderr io.Writer) (int, error) {
	var o options
	path, err := parse("names", args, stderr, &o)
	if err != nil {
		return 0, err
	}
	n, err := load(path, &o, stderr)
	if err != nil {
		return 0, err
	}
	type row struct {
		Group   string   `json:"group"`
		Members []string `json:"members"`
	}
	var rows []row
	for _, g := range n.GroupNames() {
		var members []string
		for _, e := range n.Group(g) {
			members = append(members, e.Name+" "+describe(e))
		}
		sort.Strings(members)
		rows = append(rows, row{Group: g, Members: members})
	}
	var vpcs []string
	for _, v := range n.VPCs {
		vpcs = append(vpcs, "vpc:"+v.Label)
	}
	sort.Strings(vpcs)
	if o.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return ExitOK, enc.Encode(map[string]any{"groups": rows, "vpcs": vpcs, "azs": n.AZs(), "facts": n.Facts})
	}
	for _, r := range rows {
		fmt.Fprintln(stdout, r.Group)
		for _, m := range r.Members {
			fmt.Fprintln(stdout, "  "+m)
		}
	}
	fmt.Fprintln(stdout, strings.Join(vpcs, "\n"))
	fmt.Fprintln(stdout, "AZs: "+strings.Join(n.AZs(), ", "))
	keys := make([]string, 0, len(n.Facts))
	for k := range n.Facts {
		if isScalar(n.Facts[k]) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(stdout, "fact %s = %v\n", k, n.Facts[k])
	}
	return ExitOK, nil
}

func isScalar(v any) bool {
	switch v.(type) {
	case bool, string, float64, int:
		return true
	}
	return false
}

func describe(e *model.Endpoint) string {
	var parts []string
	parts = append(parts, string(e.Kind))
	if e.Addr.IsValid() {
		parts = append(parts, e.Addr.String())
	}
	if e.Service != "" {
		parts = append(parts, e.Service)
	}
	if e.Subnet != nil {
		parts = append(parts, e.Subnet.Label)
	}
	if len(e.SGs) > 0 {
		var ids []string
		for _, g := range e.SGs {
			ids = append(ids, g.ID)
		}
		parts = append(parts, "sg "+strings.Join(ids, ","))
	}
	if e.Public {
		parts = append(parts, "public")
	}
	if len(e.Listens) > 0 {
		var ls []string
		for _, l := range e.Listens {
			ls = append(ls, l.Proto+"/"+strconv.Itoa(l.From))
		}
		parts = append(parts, "listens "+strings.Join(ls, ","))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
