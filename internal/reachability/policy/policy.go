// Package policy reads a reachability policy (YAML: the flows a design
// requires and the ones it forbids) and verifies a network against it.
package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reachability/eval"
)

// Policy is a policy file.
type Policy struct {
	Version     int    `yaml:"version"`
	Description string `yaml:"description"`
	// AZs replaces the AZs that for_each_az expands over (default: every AZ
	// that holds a subnet).
	AZs []string `yaml:"azs"`
	// Aliases map policy names to endpoint names (gateway-pods: pods).
	Aliases map[string]string `yaml:"aliases"`
	Allow   []Flow            `yaml:"allow"`
	Deny    []Flow            `yaml:"deny"`
}

// Flow is one required (allow) or forbidden (deny) flow.
type Flow struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	From        string `yaml:"from"`
	To          string `yaml:"to"`
	Port        Ports  `yaml:"port"`
	// Proto is tcp (default), udp or any.
	Proto string `yaml:"proto"`
	// ForEachAZ repeats the flow for every AZ, with {az} in from, to and via
	// replaced by the AZ.
	ForEachAZ bool `yaml:"for_each_az"`
	// Via (allow only) names what the flow must pass through: a NAT gateway
	// or Client VPN ENI on every path, or a load balancer that the flow is
	// proxied by (client -> listener, then LB node -> target on the target
	// group's port).
	Via []string `yaml:"via"`
	// When holds conditions on facts (root outputs, plan variables, --var):
	// the flow applies only when every fact equals the value given.
	When map[string]any `yaml:"when"`
	// Except (deny only) exempts pairs from the flow.
	Except []Except `yaml:"except"`
}

// Except is an exemption from a deny flow: pairs whose destination (and,
// when given, source, port and protocol) match are not checked.
type Except struct {
	From  string `yaml:"from"`
	To    string `yaml:"to"`
	Port  Ports  `yaml:"port"`
	Proto string `yaml:"proto"`
}

// Ports is a port specification: 443, "1024-65535", [22, 443] or "any".
type Ports struct {
	Any    bool
	Ranges []eval.PortRange
}

// IsZero reports whether no port was given.
func (p Ports) IsZero() bool { return !p.Any && len(p.Ranges) == 0 }

// Contains reports whether port is in the specification.
func (p Ports) Contains(port int) bool {
	if p.Any {
		return true
	}
	for _, r := range p.Ranges {
		if port >= r.From && port <= r.To {
			return true
		}
	}
	return false
}

func (p Ports) String() string {
	if p.Any {
		return "any"
	}
	parts := make([]string, len(p.Ranges))
	for i, r := range p.Ranges {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

const portHelp = `a port (443), a range ("1024-65535"), a list ([22, 443]) or "any"`

// UnmarshalYAML reads a port specification.
func (p *Ports) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		return p.addScalar(n)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return fmt.Errorf("line %d: port: empty list; want %s", n.Line, portHelp)
		}
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: port: want %s", c.Line, portHelp)
			}
			if err := p.addScalar(c); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: port: want %s", n.Line, portHelp)
}

func (p *Ports) addScalar(n *yaml.Node) error {
	v := strings.TrimSpace(n.Value)
	if v == "any" {
		p.Any = true
		return nil
	}
	lo, hi, isRange := strings.Cut(v, "-")
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b := a
	var err2 error
	if isRange {
		b, err2 = strconv.Atoi(strings.TrimSpace(hi))
	}
	if err1 != nil || err2 != nil || a < 1 || b > 65535 || a > b {
		return fmt.Errorf("line %d: port %q: want %s, with ports from 1 to 65535", n.Line, v, portHelp)
	}
	p.Ranges = append(p.Ranges, eval.PortRange{From: a, To: b})
	return nil
}

// Load reads and validates a policy file.
func Load(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	return p, nil
}

// Parse decodes a policy strictly (unknown keys are errors) and validates it.
func Parse(b []byte) (*Policy, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty policy")
		}
		return nil, err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document; a policy is one document")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

var nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func (p *Policy) validate() error {
	var errs []error
	if p.Version != 1 {
		errs = append(errs, fmt.Errorf("version: must be 1 (got %d)", p.Version))
	}
	if len(p.Allow)+len(p.Deny) == 0 {
		errs = append(errs, errors.New("no flows: add allow and/or deny lists"))
	}
	for k, v := range p.Aliases {
		if !nameRe.MatchString(k) || strings.Contains(k, "@") {
			errs = append(errs, fmt.Errorf("aliases: %q is not a valid alias name (lower-case letters, digits, '.', '_', '-')", k))
		}
		if strings.TrimSpace(v) == "" || strings.Contains(v, "@") {
			errs = append(errs, fmt.Errorf("aliases.%s: the target must be an endpoint group name without @<az>", k))
		}
	}
	seen := map[string]bool{}
	check := func(list []Flow, kind string) {
		for i := range list {
			f := &list[i]
			where := fmt.Sprintf("%s[%d]", kind, i)
			if f.Name != "" {
				where = fmt.Sprintf("%s %q", kind, f.Name)
			}
			for _, err := range f.validate(kind) {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
			}
			if seen[f.Name] {
				errs = append(errs, fmt.Errorf("%s: the name is used twice", where))
			}
			seen[f.Name] = true
		}
	}
	check(p.Allow, "allow")
	check(p.Deny, "deny")
	return errors.Join(errs...)
}

func validProto(p string) bool {
	switch p {
	case "", "tcp", "udp", "any":
		return true
	}
	return false
}

func (f *Flow) validate(kind string) []error {
	var errs []error
	if !nameRe.MatchString(f.Name) {
		errs = append(errs, errors.New("name: required, lower-case letters, digits, '.', '_' and '-'"))
	}
	if strings.TrimSpace(f.From) == "" || strings.TrimSpace(f.To) == "" {
		errs = append(errs, errors.New("from and to are required endpoint names"))
	}
	if f.Port.IsZero() {
		errs = append(errs, fmt.Errorf("port: required, %s", portHelp))
	}
	if !validProto(f.Proto) {
		errs = append(errs, fmt.Errorf("proto %q: must be tcp, udp or any", f.Proto))
	}
	names := append([]string{f.From, f.To}, f.Via...)
	hasAZ := false
	for _, n := range names {
		if strings.Contains(n, "{az}") {
			hasAZ = true
		}
		if strings.Contains(strings.ReplaceAll(n, "{az}", ""), "{") {
			errs = append(errs, fmt.Errorf("%q: the only placeholder is {az}", n))
		}
	}
	switch {
	case hasAZ && !f.ForEachAZ:
		errs = append(errs, errors.New("{az} is used but for_each_az is not true"))
	case f.ForEachAZ && !hasAZ:
		errs = append(errs, errors.New("for_each_az is true but no name uses {az}"))
	}
	if kind == "deny" && len(f.Via) > 0 {
		errs = append(errs, errors.New("via: only allowed flows name a path"))
	}
	if kind == "allow" && len(f.Except) > 0 {
		errs = append(errs, errors.New("except: only deny flows take exemptions"))
	}
	for i, e := range f.Except {
		if strings.TrimSpace(e.To) == "" && strings.TrimSpace(e.From) == "" {
			errs = append(errs, fmt.Errorf("except[%d]: name a from and/or a to", i))
		}
		if !validProto(e.Proto) {
			errs = append(errs, fmt.Errorf("except[%d]: proto %q: must be tcp, udp or any", i, e.Proto))
		}
	}
	for k, v := range f.When {
		if k == "" {
			errs = append(errs, errors.New("when: empty fact name"))
		}
		switch v.(type) {
		case bool, string, int, float64:
		default:
			errs = append(errs, fmt.Errorf("when.%s: the value must be a boolean, number or string", k))
		}
	}
	return errs
}

func protos(p string) []string {
	switch p {
	case "", "tcp":
		return []string{"tcp"}
	case "udp":
		return []string{"udp"}
	}
	return []string{"tcp", "udp"}
}
