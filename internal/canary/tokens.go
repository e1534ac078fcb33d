package canary

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/secret"
)

// Subjects of the tokens the canary mints, so its requests stand out in
// org-app's access logs.
const (
	UserSubject    = "canary-user"
	AnalystSubject = "canary-analyst"
)

// TokenConfig says where the user's and the analyst's tokens come from:
// a file per role (an OIDC environment, where a sidecar or a job refreshes
// the file), or else minted with the shared secret exactly as
// `org-app token` mints them.
type TokenConfig struct {
	// Roles are the roles that need a token; default both.
	Roles []auth.Role
	// Secret signs minted tokens; nil when both roles read files.
	Secret        *secret.Source
	UserGroups    []string
	AnalystGroups []string
	GroupsClaim   string        // default "groups"
	Issuer        string        // iss of minted tokens (authInfo.tokenIssuer); default "org-app"
	TTL           time.Duration // lifetime of minted tokens; re-minted at half-life
	UserFile      string
	AnalystFile   string
	// Refresh is how often files (token files, DEVOPS_SECRET_FILE) are
	// re-read; default 10s.
	Refresh time.Duration
	Now     func() time.Time
}

// Tokens hands out a current token per role. It is safe for concurrent use
// and never holds a lock shared by the roles while it reads a file: each
// role renews its own token, one goroutine at a time, while the others keep
// using the token they have.
type Tokens struct {
	cfg   TokenConfig
	slots map[auth.Role]*tokenSlot // fixed after NewTokens
	// secretNext is when DEVOPS_SECRET_FILE is next re-read (Unix ns);
	// secretMu is held by the one goroutine re-reading it.
	secretNext atomic.Int64
	secretMu   sync.Mutex
}

type tokenSlot struct {
	file    string
	subject string
	groups  []string

	// renewing is held by the one goroutine renewing this slot's token.
	renewing sync.Mutex
	cur      atomic.Pointer[slotToken]
}

// slotToken is a slot's current token and when to renew it.
type slotToken struct {
	value    string
	key      []byte    // the key a minted value was signed with
	expires  time.Time // of a minted value
	next     time.Time // when the file is read again (after a failure: the back-off)
	failures int       // file reads that failed in a row
	err      error     // the last failure, returned while there is no value
}

// Back-off after failed token file reads: 1s, doubling, at most Refresh.
const tokenRetryBase = time.Second

// NewTokens checks the configuration and obtains both tokens once, so a
// missing secret or an unreadable file is reported before any traffic.
func NewTokens(cfg TokenConfig) (*Tokens, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = 10 * time.Second
	}
	if cfg.TTL <= 0 {
		cfg.TTL = time.Hour
	}
	if len(cfg.Roles) == 0 {
		cfg.Roles = []auth.Role{auth.RoleUser, auth.RoleAnalyst}
	}
	all := map[auth.Role]*tokenSlot{
		auth.RoleUser:    {file: cfg.UserFile, subject: UserSubject, groups: cfg.UserGroups},
		auth.RoleAnalyst: {file: cfg.AnalystFile, subject: AnalystSubject, groups: cfg.AnalystGroups},
	}
	t := &Tokens{cfg: cfg, slots: map[auth.Role]*tokenSlot{}}
	if cfg.Secret != nil {
		t.secretNext.Store(cfg.Now().Add(cfg.Refresh).UnixNano())
	}
	for _, role := range cfg.Roles {
		s, ok := all[role]
		if !ok {
			return nil, fmt.Errorf("no token for role %s", role)
		}
		t.slots[role] = s
		if s.file == "" && cfg.Secret == nil {
			return nil, fmt.Errorf("no %s token: give --%s-token-file or set %s or %s", role, role, secret.EnvValue, secret.EnvFile)
		}
		if s.file == "" && len(s.groups) == 0 {
			return nil, fmt.Errorf("no groups for the %s token: give --%s-groups", role, role)
		}
		if _, err := t.Get(role); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Get returns the current token for role: re-read from its file every
// Refresh (after a failed read, the last good token is kept and the read is
// retried with a back-off), or re-minted when half its lifetime has passed
// or the secret changed.
func (t *Tokens) Get(role auth.Role) (string, error) {
	s, ok := t.slots[role]
	if !ok {
		return "", fmt.Errorf("no token for role %s", role)
	}
	now := t.cfg.Now()
	var key []byte
	if s.file == "" {
		key = t.signingKey(now)
	}
	cur := s.cur.Load()
	if v, ok, err := t.fresh(s, cur, now, key); ok {
		return v, err
	}
	// Renew: one goroutine per slot; the others keep the token they have.
	if !s.renewing.TryLock() {
		if cur != nil && cur.value != "" {
			return cur.value, nil
		}
		s.renewing.Lock() // nothing to hand out yet: wait for the renewal
	}
	defer s.renewing.Unlock()
	cur = s.cur.Load()
	if v, ok, err := t.fresh(s, cur, now, key); ok {
		return v, err // renewed while this goroutine waited
	}
	if s.file != "" {
		return t.readFile(s, cur, role, now)
	}
	v, err := auth.Mint(key, auth.MintOptions{Subject: s.subject, Issuer: t.cfg.Issuer, Groups: s.groups, TTL: t.cfg.TTL, GroupsClaim: t.cfg.GroupsClaim, Now: now})
	if err != nil {
		return "", fmt.Errorf("mint the %s token: %w", role, err)
	}
	s.cur.Store(&slotToken{value: v, key: bytes.Clone(key), expires: now.Add(t.cfg.TTL)})
	return v, nil
}

// fresh reports (ok) whether cur is to be handed out as it is: the token,
// or while backing off with no token, the last error.
func (t *Tokens) fresh(s *tokenSlot, cur *slotToken, now time.Time, key []byte) (string, bool, error) {
	if cur == nil {
		return "", false, nil
	}
	if s.file != "" {
		if !now.Before(cur.next) {
			return "", false, nil
		}
		if cur.value == "" { // backing off after failures, nothing read yet
			return "", true, cur.err
		}
		return cur.value, true, nil
	}
	return cur.value, bytes.Equal(cur.key, key) && now.Before(cur.expires.Add(-t.cfg.TTL/2)), nil
}

// readFile re-reads a slot's token file; the caller holds s.renewing.
func (t *Tokens) readFile(s *tokenSlot, cur *slotToken, role auth.Role, now time.Time) (string, error) {
	data, err := os.ReadFile(s.file)
	if err == nil {
		if v := strings.TrimSpace(string(data)); v != "" {
			s.cur.Store(&slotToken{value: v, next: now.Add(t.cfg.Refresh)})
			return v, nil
		}
		err = errors.New("the file is empty")
	}
	next := &slotToken{failures: 1, err: fmt.Errorf("%s token file %s: %w", role, s.file, err)}
	if cur != nil {
		next.value, next.failures = cur.value, cur.failures+1
	}
	next.next = now.Add(t.retryAfter(next.failures))
	s.cur.Store(next)
	if next.value != "" { // keep the last good token through a read that failed
		return next.value, nil
	}
	return "", next.err
}

// retryAfter is the back-off after n failed reads in a row: 1s doubling,
// at most Refresh.
func (t *Tokens) retryAfter(n int) time.Duration {
	d := t.cfg.Refresh
	if shift := n - 1; shift < 30 && tokenRetryBase<<shift < d {
		d = tokenRetryBase << shift
	}
	return d
}

// signingKey returns the secret's current key, re-reading DEVOPS_SECRET_FILE
// at most every Refresh. One goroutine re-reads; the others meanwhile use
// the key they have. On error the previous key stays, as in org-app.
func (t *Tokens) signingKey(now time.Time) []byte {
	if now.UnixNano() >= t.secretNext.Load() && t.secretMu.TryLock() {
		if now.UnixNano() >= t.secretNext.Load() {
			_ = t.cfg.Secret.Reload()
			t.secretNext.Store(now.Add(t.cfg.Refresh).UnixNano())
		}
		t.secretMu.Unlock()
	}
	return t.cfg.Secret.Key()
}
