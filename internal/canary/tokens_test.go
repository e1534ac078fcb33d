package canary

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/auth"
	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/secret"
)

func verifier(t *testing.T, key string, now func() time.Time) *auth.Authenticator {
	t.Helper()
	src, err := secret.FromValue("test", []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewAuthenticator(auth.Options{HMAC: src, Roles: auth.NewRoleMapper([]string{"cp_users"}, []string{"cp_analysts"}), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestMintedTokensVerifyAndRenew(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(keyFile, []byte(keyA+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := secret.FromFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	clock := func() time.Time { return now }
	toks, err := NewTokens(TokenConfig{Secret: src, UserGroups: []string{"cp_users"}, AnalystGroups: []string{"cp_analysts"},
		TTL: 10 * time.Minute, Refresh: time.Second, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	user, _ := toks.Get(auth.RoleUser)
	analyst, _ := toks.Get(auth.RoleAnalyst)
	a := verifier(t, keyA, clock)
	for tok, role := range map[string]auth.Role{user: auth.RoleUser, analyst: auth.RoleAnalyst} {
		p, err := a.Authenticate(context.Background(), "Bearer "+tok)
		if err != nil || !p.Roles.Has(role) {
			t.Errorf("%s token: %v, %+v", role, err, p)
		}
	}
	if again, _ := toks.Get(auth.RoleUser); again != user {
		t.Error("a fresh token was re-minted")
	}
	now = now.Add(6 * time.Minute) // past half its life
	renewed, _ := toks.Get(auth.RoleUser)
	if renewed == user {
		t.Error("not re-minted at half-life")
	}
	if err := os.WriteFile(keyFile, []byte(keyB), 0o600); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second) // past Refresh: the secret file is re-read
	rotated, _ := toks.Get(auth.RoleUser)
	if _, err := verifier(t, keyB, clock).Authenticate(context.Background(), "Bearer "+rotated); err != nil {
		t.Errorf("after rotation the token is not signed with the new secret: %v", err)
	}
}

func TestTokenFilesAreReread(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "user")
	if err := os.WriteFile(file, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	toks, err := NewTokens(TokenConfig{Roles: []auth.Role{auth.RoleUser}, UserFile: file, Refresh: time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	if tok, _ := toks.Get(auth.RoleUser); tok != "first" {
		t.Errorf("re-read before Refresh: %q", tok)
	}
	now = now.Add(2 * time.Second)
	if tok, _ := toks.Get(auth.RoleUser); tok != "second" {
		t.Errorf("not re-read after Refresh: %q", tok)
	}
	os.Remove(file)
	now = now.Add(2 * time.Second)
	if tok, err := toks.Get(auth.RoleUser); tok != "second" || err != nil {
		t.Errorf("a failed re-read must keep the last token: %q, %v", tok, err)
	}
	if _, err := toks.Get(auth.RoleAnalyst); err == nil {
		t.Error("a role that was not configured has a token")
	}
}

// A token file that hangs on read (a FIFO without a writer, a stuck
// network file system) stalls only the goroutine renewing that token: the
// other role's token and the same role's current token are handed out
// meanwhile, without waiting.
func TestSlowTokenFileBlocksNoOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	userFile, analystFile := filepath.Join(dir, "user"), filepath.Join(dir, "analyst")
	for f, v := range map[string]string{userFile: "u1", analystFile: "a1"} {
		if err := os.WriteFile(f, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	toks, err := NewTokens(TokenConfig{UserFile: userFile, AnalystFile: analystFile, Refresh: time.Second, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	// The user's file becomes a FIFO: opening it blocks until a writer comes.
	if err := os.Remove(userFile); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(userFile, 0o600); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(2 * time.Second) // both tokens are due for a re-read
	mu.Unlock()

	stuck := make(chan string, 1)
	go func() { v, _ := toks.Get(auth.RoleUser); stuck <- v }()
	slot := toks.slots[auth.RoleUser]
	for slot.renewing.TryLock() { // wait until the goroutine holds the renewal
		slot.renewing.Unlock()
		time.Sleep(time.Millisecond)
	}

	got := make(chan string, 2)
	go func() { v, _ := toks.Get(auth.RoleAnalyst); got <- "analyst " + v }()
	go func() { v, _ := toks.Get(auth.RoleUser); got <- "user " + v }()
	for range 2 {
		select {
		case v := <-got:
			if v != "analyst a1" && v != "user u1" {
				t.Errorf("got %q", v)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a Get waited for another token's file read")
		}
	}

	// The writer comes: the stuck read finishes with the new token.
	w, err := os.OpenFile(userFile, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.WriteString("u2\n")
	w.Close()
	if v := <-stuck; v != "u2" {
		t.Errorf("renewed user token %q, want u2", v)
	}
}

// After a failed read the last token is kept and the file is not read again
// on every Get: the next read waits for a back-off (1s, doubling, at most
// Refresh).
func TestTokenFileReadBacksOff(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "user")
	if err := os.WriteFile(file, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	toks, err := NewTokens(TokenConfig{Roles: []auth.Role{auth.RoleUser}, UserFile: file, Refresh: 10 * time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	now = now.Add(11 * time.Second)
	if tok, err := toks.Get(auth.RoleUser); tok != "first" || err != nil {
		t.Fatalf("failed read: %q, %v; want the last token", tok, err)
	}
	if err := os.WriteFile(file, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	if tok, _ := toks.Get(auth.RoleUser); tok != "first" {
		t.Fatalf("re-read at once after a failure (%q): no back-off", tok)
	}
	now = now.Add(time.Second)
	if tok, _ := toks.Get(auth.RoleUser); tok != "second" {
		t.Fatalf("not re-read after the back-off: %q", tok)
	}

	if got := []time.Duration{toks.retryAfter(1), toks.retryAfter(2), toks.retryAfter(4), toks.retryAfter(5), toks.retryAfter(40)}; !slices.Equal(got,
		[]time.Duration{time.Second, 2 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}) {
		t.Errorf("back-offs %v", got)
	}
}
