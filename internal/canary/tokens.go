package canary

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
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
	TTL           time.Duration // lifetime of minted tokens; re-minted at half-life
	UserFile      string
	AnalystFile   string
	// Refresh is how often files (token files, DEVOPS_SECRET_FILE) are
	// re-read; default 10s.
	Refresh time.Duration
	Now     func() time.Time
}

// Tokens hands out a current token per role. It is safe for concurrent use.
type Tokens struct {
	cfg   TokenConfig
	mu    sync.Mutex
	slots map[auth.Role]*tokenSlot
	// lastReload is when the secret file was last re-read.
	lastReload time.Time
}

type tokenSlot struct {
	file    string
	subject string
	groups  []string

	value   string
	key     []byte    // the key a minted value was signed with
	expires time.Time // of a minted value
	readAt  time.Time // when the file was last read
}

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
// Refresh, or re-minted when half its lifetime has passed or the secret
// changed.
func (t *Tokens) Get(role auth.Role) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.slots[role]
	if !ok {
		return "", fmt.Errorf("no token for role %s", role)
	}
	now := t.cfg.Now()
	if s.file != "" {
		if s.value != "" && now.Sub(s.readAt) < t.cfg.Refresh {
			return s.value, nil
		}
		data, err := os.ReadFile(s.file)
		if err == nil {
			if v := strings.TrimSpace(string(data)); v != "" {
				s.value, s.readAt = v, now
				return v, nil
			}
			err = errors.New("the file is empty")
		}
		if s.value != "" { // keep the last good token through a refresh that failed
			return s.value, nil
		}
		return "", fmt.Errorf("%s token file %s: %w", role, s.file, err)
	}
	if now.Sub(t.lastReload) >= t.cfg.Refresh {
		// On error the previous key stays in effect, as in org-app.
		_ = t.cfg.Secret.Reload()
		t.lastReload = now
	}
	key := t.cfg.Secret.Key()
	if s.value != "" && bytes.Equal(s.key, key) && now.Before(s.expires.Add(-t.cfg.TTL/2)) {
		return s.value, nil
	}
	v, err := auth.Mint(key, auth.MintOptions{Subject: s.subject, Groups: s.groups, TTL: t.cfg.TTL, GroupsClaim: t.cfg.GroupsClaim, Now: now})
	if err != nil {
		return "", fmt.Errorf("mint the %s token: %w", role, err)
	}
	s.value, s.key, s.expires = v, bytes.Clone(key), now.Add(t.cfg.TTL)
	return v, nil
}
