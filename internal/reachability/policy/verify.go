package policy

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/model"
)

// Status of a row.
type Status string

// Row statuses.
const (
	StatusOK        Status = "ok"
	StatusViolation Status = "VIOLATION"
	StatusSkipped   Status = "skipped"
	StatusNothing   Status = "n/a"
)

// Row is one flow (one AZ of a for_each_az flow) and its result.
type Row struct {
	Flow     string    `json:"flow"`
	AZ       string    `json:"az,omitempty"`
	Expect   string    `json:"expect"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Ports    string    `json:"ports"`
	Checks   int       `json:"checks"`
	Status   Status    `json:"status"`
	Note     string    `json:"note,omitempty"`
	Failures []Failure `json:"failures,omitempty"`
	// FailureCount counts every failing check (Failures keeps the first few).
	FailureCount int `json:"failure_count,omitempty"`
}

// Failure is one check that went against the policy.
type Failure struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Proto   string   `json:"proto,omitempty"`
	Port    int      `json:"port,omitempty"`
	Outcome string   `json:"outcome"`
	Reason  string   `json:"reason"`
	Hop     string   `json:"hop,omitempty"`
	Path    []string `json:"path,omitempty"`
}

// Result is the verification of a policy.
type Result struct {
	Rows       []Row    `json:"rows"`
	Violations int      `json:"violations"`
	Warnings   []string `json:"warnings,omitempty"`
}

// Options tune Verify.
type Options struct {
	// Facts override the network's facts (root outputs, plan variables)
	// for `when:` conditions.
	Facts map[string]any
	// MaxFailures is how many failing checks a row keeps (default 3).
	MaxFailures int
}

// ParseFact reads a --var value as a YAML scalar (true, 3, text).
func ParseFact(s string) any {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	switch v.(type) {
	case bool, int, float64, string:
		return v
	}
	return s
}

// Verify checks every flow of the policy. Its error is an input error: a
// name that matches nothing, a fact a `when` needs but nobody gave.
func Verify(ev *eval.Evaluator, p *Policy, opts Options) (*Result, error) {
	if opts.MaxFailures <= 0 {
		opts.MaxFailures = 3
	}
	n := ev.Network()
	facts := map[string]any{}
	for k, v := range n.Facts {
		facts[k] = v
	}
	for k, v := range opts.Facts {
		facts[k] = v
	}
	azs := p.AZs
	if len(azs) == 0 {
		azs = n.AZs()
	}
	v := &verifier{ev: ev, n: n, p: p, facts: facts, max: opts.MaxFailures}
	res := &Result{Warnings: n.Warnings}
	var errs []error
	for _, kind := range []string{"allow", "deny"} {
		list := p.Allow
		if kind == "deny" {
			list = p.Deny
		}
		for i := range list {
			rows, err := v.flow(&list[i], kind, azs)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %q: %w", kind, list[i].Name, err))
				continue
			}
			res.Rows = append(res.Rows, rows...)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, r := range res.Rows {
		if r.Status == StatusViolation {
			res.Violations++
		}
	}
	return res, nil
}

type verifier struct {
	ev    *eval.Evaluator
	n     *model.Network
	p     *Policy
	facts map[string]any
	max   int
}

// Alias applies the policy's aliases to an endpoint name.
func (p *Policy) Alias(name string) string {
	group, az := model.SplitName(name)
	if t, ok := p.Aliases[group]; ok {
		group = t
	}
	if az != "" {
		return group + "@" + az
	}
	return group
}

func (v *verifier) resolve(name string, role model.Role) (model.Resolution, error) {
	return v.n.Resolve(v.p.Alias(name), role)
}

// when evaluates a flow's conditions; the string explains a skip.
func (v *verifier) when(f *Flow) (bool, string, error) {
	return f.Applies(v.facts)
}

// Applies evaluates the flow's `when` conditions against facts: true when
// every fact equals the value given; false with the reason otherwise. A
// fact the flow needs but facts lack is an error.
func (f *Flow) Applies(facts map[string]any) (bool, string, error) {
	keys := make([]string, 0, len(f.When))
	for k := range f.When {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		have, ok := facts[k]
		if !ok {
			return false, "", fmt.Errorf("when needs the fact %q: add a root output %q, or pass --var %s=<value>", k, k, k)
		}
		if !factEqual(have, f.When[k]) {
			return false, fmt.Sprintf("when %s = %v; the input has %v", k, f.When[k], have), nil
		}
	}
	return true, "", nil
}

func factEqual(a, b any) bool {
	norm := func(x any) string {
		switch t := x.(type) {
		case float64:
			return strconv.FormatFloat(t, 'f', -1, 64)
		case int:
			return strconv.Itoa(t)
		}
		return fmt.Sprint(x)
	}
	return norm(a) == norm(b)
}

func (v *verifier) flow(f *Flow, kind string, azs []string) ([]Row, error) {
	ok, why, err := v.when(f)
	if err != nil {
		return nil, err
	}
	base := Row{Flow: f.Name, Expect: kind, From: f.From, To: f.To, Ports: f.Port.String()}
	if !ok {
		base.Status, base.Note = StatusSkipped, why
		return []Row{base}, nil
	}
	if !f.ForEachAZ {
		r, err := v.row(f, kind, "", base)
		return []Row{r}, err
	}
	var rows []Row
	for _, az := range azs {
		r, err := v.row(f, kind, az, base)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func sub(s, az string) string { return strings.ReplaceAll(s, "{az}", az) }

// viaSpec is a resolved via entry.
type viaSpec struct {
	name    string
	members map[string]bool
	lbs     []*model.Endpoint // load balancer members: a proxy
}

func (v *verifier) row(f *Flow, kind, az string, r Row) (Row, error) {
	r.AZ = az
	r.From, r.To = sub(f.From, az), sub(f.To, az)
	from, err := v.resolve(r.From, model.Source)
	if err != nil {
		return r, err
	}
	to, err := v.resolve(r.To, model.Destination)
	if err != nil {
		return r, err
	}
	var vias []viaSpec
	for _, name := range f.Via {
		name = sub(name, az)
		res, err := v.resolve(name, model.Destination)
		if err != nil {
			return r, fmt.Errorf("via: %w", err)
		}
		spec := viaSpec{name: name, members: map[string]bool{}}
		for _, e := range res.Members {
			spec.members[e.Name] = true
			if e.Kind == model.KindLB {
				spec.lbs = append(spec.lbs, e)
			}
		}
		if len(res.Members) == 0 {
			r.Status = StatusViolation
			r.Note = fmt.Sprintf("via %s: no such endpoint in this network", name)
			return r, nil
		}
		vias = append(vias, spec)
	}
	excepts, err := v.excepts(f, az)
	if err != nil {
		return r, err
	}
	missing := ""
	switch {
	case len(from.Members) == 0:
		missing = r.From
	case len(to.Members) == 0:
		missing = r.To
	}
	if missing != "" {
		if kind == "allow" {
			r.Status, r.Note = StatusViolation, fmt.Sprintf("no endpoint %s in this network", missing)
		} else {
			r.Status, r.Note = StatusNothing, fmt.Sprintf("no endpoint %s: nothing to check", missing)
		}
		return r, nil
	}
	var proxy *viaSpec
	var pass []viaSpec
	for i := range vias {
		if len(vias[i].lbs) > 0 {
			if proxy != nil {
				return r, errors.New("via: at most one load balancer")
			}
			proxy = &vias[i]
		} else {
			pass = append(pass, vias[i])
		}
	}
	for _, proto := range protos(f.Proto) {
		for _, port := range v.ports(f.Port) {
			for _, a := range from.Members {
				for _, b := range to.Members {
					if !model.Applicable(a, b) || excepted(excepts, a, b, proto, port) {
						continue
					}
					r.Checks++
					var fail *Failure
					if kind == "allow" {
						fail = v.allowed(a, b, proto, port, proxy, pass, &r)
					} else {
						fail = v.denied(a, b, proto, port)
					}
					if fail != nil {
						r.FailureCount++
						if len(r.Failures) < v.max {
							r.Failures = append(r.Failures, *fail)
						}
					}
				}
			}
		}
	}
	switch {
	case r.FailureCount > 0:
		r.Status = StatusViolation
	case r.Checks == 0:
		r.Status, r.Note = StatusNothing, "every pair is exempt"
	default:
		r.Status = StatusOK
	}
	return r, nil
}

// ports lists the ports to check: each given port, and for ranges (and
// "any") one port per class of ports that the network's rules treat alike.
func (v *verifier) ports(p Ports) []int {
	if p.Any {
		return eval.PortPoints(v.n, 1, 65535)
	}
	var out []int
	for _, r := range p.Ranges {
		if r.From == r.To {
			out = append(out, r.From)
			continue
		}
		out = append(out, eval.PortPoints(v.n, r.From, r.To)...)
	}
	return out
}

type except struct {
	from, to map[*model.Endpoint]bool
	port     Ports
	protos   []string
}

func (v *verifier) excepts(f *Flow, az string) ([]except, error) {
	var out []except
	for i, e := range f.Except {
		x := except{port: e.Port, protos: protos(e.Proto)}
		for _, side := range []struct {
			name string
			role model.Role
			set  *map[*model.Endpoint]bool
		}{{e.From, model.Source, &x.from}, {e.To, model.Destination, &x.to}} {
			if strings.TrimSpace(side.name) == "" {
				continue
			}
			res, err := v.resolve(sub(side.name, az), side.role)
			if err != nil {
				return nil, fmt.Errorf("except[%d]: %w", i, err)
			}
			*side.set = map[*model.Endpoint]bool{}
			for _, m := range res.Members {
				(*side.set)[m] = true
			}
		}
		out = append(out, x)
	}
	return out, nil
}

func excepted(xs []except, a, b *model.Endpoint, proto string, port int) bool {
	for _, x := range xs {
		if x.from != nil && !x.from[a] {
			continue
		}
		if x.to != nil && !x.to[b] {
			continue
		}
		if !x.port.IsZero() && !x.port.Contains(port) {
			continue
		}
		okProto := false
		for _, p := range x.protos {
			okProto = okProto || p == proto
		}
		if okProto {
			return true
		}
	}
	return false
}

func failure(a, b *model.Endpoint, proto string, port int, outcome eval.Outcome, reason string, p *eval.Path) *Failure {
	f := &Failure{From: a.Name, To: b.Name, Proto: proto, Port: port, Outcome: outcome.String(), Reason: reason}
	if p != nil {
		for _, h := range p.Hops {
			f.Path = append(f.Path, h.String())
		}
		if h := p.Blocker(); h != nil {
			f.Hop = h.String()
		}
	}
	return f
}

// worst returns the first blocked (else partial) path of a verdict.
func worst(vd *eval.Verdict) *eval.Path {
	var pick *eval.Path
	for i := range vd.Paths {
		p := &vd.Paths[i]
		if pick == nil || p.Outcome < pick.Outcome {
			pick = p
		}
	}
	return pick
}

// best returns the first delivered (else partial) path of a verdict.
func best(vd *eval.Verdict) *eval.Path {
	var pick *eval.Path
	for i := range vd.Paths {
		p := &vd.Paths[i]
		if pick == nil || p.Outcome > pick.Outcome {
			pick = p
		}
	}
	return pick
}

func (v *verifier) allowed(a, b *model.Endpoint, proto string, port int, proxy *viaSpec, pass []viaSpec, r *Row) *Failure {
	if proxy != nil {
		return v.proxied(a, b, proto, port, proxy, r)
	}
	vd := v.ev.Check(eval.Flow{From: a, To: b, Proto: proto, Port: port})
	if o := vd.Outcome(); o != eval.Delivered {
		w := worst(&vd)
		return failure(a, b, proto, port, o, blockReason(w, len(vd.Paths)), w)
	}
	for _, spec := range pass {
		for i := range vd.Paths {
			p := &vd.Paths[i]
			hit := false
			for _, name := range p.Via {
				hit = hit || spec.members[name]
			}
			if !hit {
				went := "no NAT gateway or VPN ENI"
				if len(p.Via) > 0 {
					went = strings.Join(p.Via, ", ")
				}
				return failure(a, b, proto, port, eval.Delivered, fmt.Sprintf("a path avoids %s: it goes through %s%s", spec.name, went, tgwHint(p)), p)
			}
		}
	}
	return nil
}

func tgwHint(p *eval.Path) string {
	for _, h := range p.Hops {
		if h.Step == "tgw-exit" && strings.Contains(h.Detail, "appliance mode") {
			return " (" + h.Rule + " has appliance mode on: the TGW may send the flow to any AZ)"
		}
	}
	return ""
}

func blockReason(p *eval.Path, paths int) string {
	if p == nil {
		return "no path"
	}
	prefix := ""
	if paths > 1 {
		prefix = fmt.Sprintf("on one of %d paths: ", paths)
	}
	if h := p.Blocker(); h != nil {
		return prefix + "blocked at " + h.Step + ": " + h.Detail
	}
	for _, h := range p.Hops {
		if strings.Contains(h.Detail, "only part of") {
			return prefix + h.Step + " at " + h.At + " " + h.Detail
		}
	}
	return prefix + p.Outcome.String()
}

func (v *verifier) denied(a, b *model.Endpoint, proto string, port int) *Failure {
	vd := v.ev.Check(eval.Flow{From: a, To: b, Proto: proto, Port: port})
	o := vd.Outcome()
	if o == eval.Blocked {
		return nil
	}
	p := best(&vd)
	return failure(a, b, proto, port, o, "allowed by the path below (expected blocked)", p)
}

// proxied checks a flow through a load balancer: the client to each LB
// node on the listener port, then each LB node to the target on the target
// group's port (with the client's address when client IP preservation is on).
func (v *verifier) proxied(a, b *model.Endpoint, proto string, port int, proxy *viaSpec, r *Row) *Failure {
	for _, lb := range proxy.lbs {
		vd := v.ev.Check(eval.Flow{From: a, To: lb, Proto: proto, Port: port})
		if o := vd.Outcome(); o != eval.Delivered {
			w := worst(&vd)
			return failure(a, lb, proto, port, o, "client to load balancer: "+blockReason(w, len(vd.Paths)), w)
		}
		l := vd.Paths[0].Listener
		if l == nil || l.TargetGroup == nil {
			return failure(a, lb, proto, port, eval.Blocked, fmt.Sprintf("the listener on %s/%d forwards to no target group", proto, port), &vd.Paths[0])
		}
		tg := l.TargetGroup
		node := lb
		if tg.PreserveClientIP && a.Addr.IsValid() {
			c := *lb
			c.Name = lb.Name + " (client IP " + a.Addr.String() + " preserved)"
			c.Addr = a.Addr
			node = &c
		}
		tproto := "tcp"
		if strings.EqualFold(tg.Proto, "UDP") {
			tproto = "udp"
		}
		tport := tg.Port
		r.Checks++
		vd2 := v.ev.Check(eval.Flow{From: node, To: b, Proto: tproto, Port: tport})
		if o := vd2.Outcome(); o != eval.Delivered {
			w := worst(&vd2)
			return failure(node, b, tproto, tport, o, fmt.Sprintf("load balancer to target (%s, port %d): %s", tg.Resource, tport, blockReason(w, len(vd2.Paths))), w)
		}
	}
	return nil
}
