// Package canary is synthetic customer traffic for org-app: named checks
// ("flows") that each make one request a real customer would make and say
// precisely how it failed; an open-model load run that gates a release on
// SLOs (canary run); and a forever loop that exports the same checks as
// Prometheus metrics and CloudWatch Embedded Metric Format lines so alarms
// fire before customers notice (canary serve).
package canary

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/reqctx"
)

// Target is the org-app instance (or load balancer) the flows talk to.
type Target struct {
	// API is the API base URL, e.g. https://api.example.com (no trailing slash).
	API string
	// Health is the health listener's base URL; empty skips the health flows.
	Health string
	Client *http.Client
	// Tokens supplies bearer tokens; nil when only anonymous flows run.
	Tokens    *Tokens
	UserAgent string
}

// Flow is one named check: one request and what a customer expects back.
type Flow struct {
	Name        string
	Description string
	// Role is the token the flow sends; 0 for none.
	Role auth.Role
	// Health flows talk to the health listener.
	Health bool
	check  func(ctx context.Context, t *Target) error
}

// Check runs the flow once. A nil error is a pass; otherwise KindOf(err)
// says how it failed.
func (f Flow) Check(ctx context.Context, t *Target) error {
	if f.Health && t.Health == "" {
		return &CheckError{KindOther, fmt.Errorf("flow %s needs the health URL", f.Name)}
	}
	return f.check(ctx, t)
}

// Flows returns every flow in report order.
func Flows() []Flow {
	return []Flow{
		{Name: "root", Description: "anonymous GET / answers 200 with the service's name", check: checkRoot},
		{Name: "no-token", Description: "GET /api/v1/me without a token answers 401", check: checkNoToken},
		{Name: "me", Description: "the user's GET /api/v1/me answers 200 with role user", Role: auth.RoleUser, check: checkMe},
		{Name: "user-forbidden", Description: "the user's GET /api/v1/reports/traffic answers 403", Role: auth.RoleUser, check: checkUserForbidden},
		{Name: "report", Description: "the analyst's GET /api/v1/reports/traffic answers 200", Role: auth.RoleAnalyst, check: checkReport},
		{Name: "echo", Description: "the user's POST /api/v1/echo returns a random JSON body byte for byte", Role: auth.RoleUser, check: checkEcho},
		{Name: "livez", Description: "GET /livez on the health listener answers 200", Health: true, check: probe("/livez")},
		{Name: "readyz", Description: "GET /readyz on the health listener answers 200", Health: true, check: probe("/readyz")},
	}
}

// SelectFlows picks flows by name (all when names is empty), leaving out the
// health flows when there is no health URL. Unknown names are an error.
func SelectFlows(names []string, haveHealth bool) ([]Flow, error) {
	all := Flows()
	if len(names) == 0 {
		var out []Flow
		for _, f := range all {
			if !f.Health || haveHealth {
				out = append(out, f)
			}
		}
		return out, nil
	}
	var out []Flow
	for _, n := range names {
		i := slices.IndexFunc(all, func(f Flow) bool { return f.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown flow %q (flows: %s)", n, strings.Join(FlowNames(all), ", "))
		}
		if all[i].Health && !haveHealth {
			return nil, fmt.Errorf("flow %q needs --health", n)
		}
		if !slices.ContainsFunc(out, func(f Flow) bool { return f.Name == n }) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// FlowNames lists the flows' names.
func FlowNames(flows []Flow) []string {
	names := make([]string, len(flows))
	for i, f := range flows {
		names[i] = f.Name
	}
	return names
}

// ClientOptions configure the canary's HTTP client.
type ClientOptions struct {
	// Timeout bounds dialing and the TLS handshake; each check's context
	// bounds the whole exchange.
	Timeout time.Duration
	// RootCAs are trusted for TLS targets; nil means the system pool.
	RootCAs *x509.CertPool
	// Resolver resolves host names; nil means the default resolver.
	Resolver *net.Resolver
	// MaxConns bounds idle connections kept per host (the concurrency).
	MaxConns int
}

// NewClient returns a client that never follows redirects (a redirect is a
// wrong status for every flow) and never uses a proxy from the environment
// (the canary measures the target, not a proxy).
func NewClient(o ClientOptions) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 8
	}
	dialer := &net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second, Resolver: o.Resolver}
	tr := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: 0, // the check's context bounds it
		MaxIdleConns:          o.MaxConns,
		MaxIdleConnsPerHost:   o.MaxConns,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// maxBody bounds what a check reads of a response.
const maxBody = 1 << 20

// exchange sends one request and checks its status. It returns the body.
func (t *Target) exchange(ctx context.Context, method, url string, role auth.Role, body []byte, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, &CheckError{KindOther, err}
	}
	id := "canary-" + reqctx.NewID()
	req.Header.Set("X-Request-Id", id)
	if t.UserAgent != "" {
		req.Header.Set("User-Agent", t.UserAgent)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != 0 {
		if t.Tokens == nil {
			return nil, &CheckError{KindToken, fmt.Errorf("no %s token configured", role)}
		}
		tok, err := t.Tokens.Get(role)
		if err != nil {
			return nil, &CheckError{KindToken, err}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := t.Client.Do(req)
	if err != nil {
		return nil, &CheckError{Classify(err), err} // a *url.Error: it names the method and URL
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, &CheckError{Classify(err), fmt.Errorf("%s %s: reading the body: %w", method, url, err)}
	}
	if resp.StatusCode != want {
		return nil, &CheckError{KindStatus, fmt.Errorf("%s %s answered %d, want %d (request id %s): %s",
			method, url, resp.StatusCode, want, id, snippet(data))}
	}
	return data, nil
}

func bodyError(url string, format string, args ...any) error {
	return &CheckError{KindBody, fmt.Errorf("%s: "+format, append([]any{url}, args...)...)}
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return strconv.Quote(s)
}

func checkRoot(ctx context.Context, t *Target) error {
	url := t.API + "/"
	body, err := t.exchange(ctx, http.MethodGet, url, 0, nil, http.StatusOK)
	if err != nil {
		return err
	}
	var info struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(body, &info); err != nil || info.Name == "" {
		return bodyError(url, "want a JSON object with a name, got %s", snippet(body))
	}
	return nil
}

func checkNoToken(ctx context.Context, t *Target) error {
	_, err := t.exchange(ctx, http.MethodGet, t.API+"/api/v1/me", 0, nil, http.StatusUnauthorized)
	return err
}

func checkMe(ctx context.Context, t *Target) error {
	url := t.API + "/api/v1/me"
	body, err := t.exchange(ctx, http.MethodGet, url, auth.RoleUser, nil, http.StatusOK)
	if err != nil {
		return err
	}
	var me struct {
		Subject string   `json:"subject"`
		Roles   []string `json:"roles"`
	}
	if err := json.Unmarshal(body, &me); err != nil {
		return bodyError(url, "not JSON: %s", snippet(body))
	}
	if !slices.Contains(me.Roles, auth.RoleUser.String()) {
		return bodyError(url, "roles %q do not include %q", me.Roles, auth.RoleUser.String())
	}
	return nil
}

func checkUserForbidden(ctx context.Context, t *Target) error {
	_, err := t.exchange(ctx, http.MethodGet, t.API+"/api/v1/reports/traffic", auth.RoleUser, nil, http.StatusForbidden)
	return err
}

func checkReport(ctx context.Context, t *Target) error {
	url := t.API + "/api/v1/reports/traffic"
	body, err := t.exchange(ctx, http.MethodGet, url, auth.RoleAnalyst, nil, http.StatusOK)
	if err != nil {
		return err
	}
	var report struct {
		Routes map[string]json.RawMessage `json:"routes"`
	}
	if err := json.Unmarshal(body, &report); err != nil || report.Routes == nil {
		return bodyError(url, "want a traffic report with routes, got %s", snippet(body))
	}
	return nil
}

func checkEcho(ctx context.Context, t *Target) error {
	url := t.API + "/api/v1/echo"
	payload := RandomPayload()
	body, err := t.exchange(ctx, http.MethodPost, url, auth.RoleUser, payload, http.StatusOK)
	if err != nil {
		return err
	}
	var echo struct {
		Echo json.RawMessage `json:"echo"`
	}
	if err := json.Unmarshal(body, &echo); err != nil {
		return bodyError(url, "not JSON: %s", snippet(body))
	}
	if !bytes.Equal(echo.Echo, payload) {
		return bodyError(url, "echo differs from the %d bytes sent: got %s", len(payload), snippet(echo.Echo))
	}
	return nil
}

// RandomPayload returns a JSON object of random size and content: nested
// values, numbers, escapes and non-ASCII text, so a round trip that is not
// byte for byte shows.
func RandomPayload() []byte {
	var r [8 + 8 + 1 + 24*6]byte
	_, _ = rand.Read(r[:]) // never fails (crypto/rand)
	words := make([]string, 1+int(r[16])%24)
	for i := range words {
		words[i] = hex.EncodeToString(r[17+6*i : 23+6*i])
	}
	n := binary.LittleEndian.Uint64(r[8:16])
	v := map[string]any{
		"canary": hex.EncodeToString(r[:8]),
		"n":      n >> 11, // 53 bits: exact as a JSON number anywhere
		"f":      float64(n>>11) / (1 << 53),
		"ok":     n&1 == 1,
		"none":   nil,
		"text":   "héllo wörld ✓ \"quoted\" \\ <tag> & \u2028",
		"nested": map[string]any{"words": words, "depth": []any{[]any{1, 2}, map[string]any{"k": "v"}}},
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain values only: cannot happen
	}
	return b
}

func probe(path string) func(context.Context, *Target) error {
	return func(ctx context.Context, t *Target) error {
		_, err := t.exchange(ctx, http.MethodGet, t.Health+path, 0, nil, http.StatusOK)
		return err
	}
}
