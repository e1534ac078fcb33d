// Package stacktest applies OpenTofu root modules against the offline
// stand-in AWS provider (../shared/tfoffline: fake but unique ids, never a
// call to AWS) and returns `tofu show -json` of the state, so that a test can
// verify the result with a reachability policy and mutate it.
//
// Roots are applied from a copy of the repository's infra/ tree in a
// temporary directory, with a backend override that keeps the state there:
// nothing is written into the repository.
package stacktest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Root is one root module to apply and verify. Adding a root to a test is
// one Root literal.
type Root struct {
	// Name names the test case and the state file.
	Name string
	// Dir is the root module, relative to the repository root.
	Dir string
	// VarFiles are -var-file arguments, relative to Dir.
	VarFiles []string
	// Vars are -var NAME=VALUE arguments; they are also facts for the
	// policy's `when:` conditions.
	Vars map[string]string
	// Facts are facts for `when:` only (for a root that neither declares
	// nor outputs them); they win over root outputs and Vars.
	Facts map[string]string
	// Policy is the policy file, relative to the repository root.
	Policy string
}

// Tofu finds the tofu binary ($TOFU, else tofu on PATH) and checks that the
// CLI configuration points at the offline stand-in provider. When either is
// missing it returns "" and the reason to skip.
func Tofu() (string, string) {
	bin := os.Getenv("TOFU")
	if bin == "" {
		p, err := exec.LookPath("tofu")
		if err != nil {
			return "", "tofu is not on PATH (run: eval \"$(../shared/tfoffline/setup)\", or set TOFU)"
		}
		bin = p
	}
	cfg := os.Getenv("TF_CLI_CONFIG_FILE")
	b, err := os.ReadFile(cfg) //nolint:gosec // the user's own OpenTofu CLI configuration
	if cfg == "" || err != nil || !bytes.Contains(b, []byte("tfoffline")) {
		return "", "TF_CLI_CONFIG_FILE does not point at the offline stand-in provider (run: eval \"$(../shared/tfoffline/setup)\"); these tests never apply with a real provider"
	}
	return bin, ""
}

// RepoRoot walks up from the working directory to the directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Applier applies roots from one copy of infra/.
type Applier struct {
	Tofu string
	Repo string
	Work string // a temporary directory

	once    sync.Once
	copyErr error
	inited  map[string]bool
}

// backendOverride points any root (with or without a backend block) at a
// local state whose path init receives with -backend-config.
const backendOverride = `# Written by internal/stacktest in a temporary copy.
terraform {
  backend "local" {}
}
`

// Apply applies the root and returns `tofu show -json` of its state.
func (a *Applier) Apply(ctx context.Context, r Root) ([]byte, error) {
	tofu, err := a.prepare(ctx, r)
	if err != nil {
		return nil, err
	}
	if _, err := tofu(withVars(r, "apply", "-no-color", "-auto-approve")...); err != nil {
		return nil, err
	}
	return tofu("show", "-json", "-no-color")
}

// Destroy destroys what Apply made of the root (its state in the work
// directory), proving the root's resources can be torn down in dependency
// order with nothing (prevent_destroy, a cycle) in the way.
func (a *Applier) Destroy(ctx context.Context, r Root) error {
	tofu, err := a.prepare(ctx, r)
	if err != nil {
		return err
	}
	_, err = tofu(withVars(r, "destroy", "-no-color", "-auto-approve")...)
	return err
}

// withVars appends the root's -var-file and -var arguments.
func withVars(r Root, args ...string) []string {
	for _, f := range r.VarFiles {
		args = append(args, "-var-file="+f)
	}
	keys := make([]string, 0, len(r.Vars))
	for k := range r.Vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-var="+k+"="+r.Vars[k])
	}
	return args
}

// prepare copies infra/ once, writes the local backend override and runs
// init; it returns a function running tofu in the root's copy.
func (a *Applier) prepare(ctx context.Context, r Root) (func(args ...string) ([]byte, error), error) {
	a.once.Do(func() { a.copyErr = copyTree(filepath.Join(a.Repo, "infra"), filepath.Join(a.Work, "infra")) })
	if a.copyErr != nil {
		return nil, fmt.Errorf("copy infra/: %w", a.copyErr)
	}
	if !strings.HasPrefix(r.Dir, "infra/") {
		return nil, fmt.Errorf("root %s: Dir must be under infra/", r.Name)
	}
	dir := filepath.Join(a.Work, filepath.FromSlash(r.Dir))
	if err := os.WriteFile(filepath.Join(dir, "zz_reachability_backend_override.tf"), []byte(backendOverride), 0o600); err != nil {
		return nil, err
	}
	data := filepath.Join(a.Work, "tfdata", strings.ReplaceAll(r.Dir, "/", "_"))
	state := filepath.Join(a.Work, "state", safeName(r.Name)+".tfstate")
	if err := os.MkdirAll(filepath.Dir(state), 0o700); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_DATA_DIR="+data, "CHECKPOINT_DISABLE=1")
	tofu := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, a.Tofu, append([]string{"-chdir=" + dir}, args...)...) //nolint:gosec // the test's own tofu and arguments
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			tail := errb.String() + out.String()
			if len(tail) > 4000 {
				tail = "..." + tail[len(tail)-4000:]
			}
			return nil, fmt.Errorf("tofu %s in %s: %w\n%s", args[0], r.Dir, err, tail)
		}
		return out.Bytes(), nil
	}
	initArgs := []string{"init", "-no-color", "-reconfigure", "-backend-config=path=" + state}
	if a.inited == nil {
		a.inited = map[string]bool{}
	}
	if !a.inited[r.Dir] {
		initArgs = append(initArgs, "-upgrade")
	}
	if _, err := tofu(initArgs...); err != nil {
		return nil, err
	}
	a.inited[r.Dir] = true
	return tofu, nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// copyTree copies the .tf sources (and templates, tfvars, ...) of src to dst,
// leaving out working directories, lock files, states and overrides. Both
// trees are opened as roots, so a symlink cannot lead outside them.
func copyTree(src, dst string) error {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	from, err := os.OpenRoot(src)
	if err != nil {
		return err
	}
	defer func() { _ = from.Close() }()
	to, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer func() { _ = to.Close() }()
	return fs.WalkDir(from.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == ".terraform" || name == "terraform.tfstate.d" {
				return fs.SkipDir
			}
			return to.MkdirAll(path, 0o700)
		}
		if name == ".terraform.lock.hcl" || strings.Contains(name, ".tfstate") || strings.HasSuffix(name, "_override.tf") || !d.Type().IsRegular() {
			return nil
		}
		b, err := from.ReadFile(path)
		if err != nil {
			return err
		}
		return to.WriteFile(path, b, 0o600)
	})
}

// State is `tofu show -json` output to mutate.
type State struct {
	doc map[string]any
}

// ParseState decodes `tofu show -json` output.
func ParseState(b []byte) (*State, error) {
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if _, ok := doc["values"].(map[string]any); !ok {
		return nil, errors.New("no values: not the JSON of a state")
	}
	return &State{doc: doc}, nil
}

// Bytes encodes the state.
func (s *State) Bytes() []byte {
	b, err := json.Marshal(s.doc)
	if err != nil {
		panic(err) // only JSON values are ever stored
	}
	return b
}

func (s *State) modules() []map[string]any {
	root, _ := s.doc["values"].(map[string]any)["root_module"].(map[string]any)
	var out []map[string]any
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		out = append(out, m)
		kids, _ := m["child_modules"].([]any)
		for _, k := range kids {
			if km, ok := k.(map[string]any); ok {
				walk(km)
			}
		}
	}
	if root != nil {
		walk(root)
	}
	return out
}

// Values returns the values of the resource at addr (to change in place).
func (s *State) Values(addr string) (map[string]any, error) {
	for _, m := range s.modules() {
		rs, _ := m["resources"].([]any)
		for _, r := range rs {
			rm, _ := r.(map[string]any)
			if rm["address"] == addr {
				v, _ := rm["values"].(map[string]any)
				return v, nil
			}
		}
	}
	return nil, fmt.Errorf("no resource %s in the state", addr)
}

// Delete removes the resource at addr.
func (s *State) Delete(addr string) error {
	for _, m := range s.modules() {
		rs, _ := m["resources"].([]any)
		for i, r := range rs {
			if rm, _ := r.(map[string]any); rm["address"] == addr {
				m["resources"] = append(rs[:i:i], rs[i+1:]...)
				return nil
			}
		}
	}
	return fmt.Errorf("no resource %s in the state", addr)
}

// Add adds a managed resource to the module with address module ("" for the
// root), as module.<...>.<type>.<name>.
func (s *State) Add(module, typ, name string, values map[string]any) error {
	addr := typ + "." + name
	if module != "" {
		addr = module + "." + addr
	}
	for _, m := range s.modules() {
		ma, _ := m["address"].(string)
		if ma != module {
			continue
		}
		rs, _ := m["resources"].([]any)
		m["resources"] = append(rs, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "values": values})
		return nil
	}
	return fmt.Errorf("no module %q in the state", module)
}

// Find returns the addresses of resources of a type whose address contains
// every one of the given parts.
func (s *State) Find(typ string, parts ...string) []string {
	var out []string
	for _, m := range s.modules() {
		rs, _ := m["resources"].([]any)
		for _, r := range rs {
			rm, _ := r.(map[string]any)
			addr, _ := rm["address"].(string)
			if rm["type"] != typ {
				continue
			}
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(addr, p)
			}
			if ok {
				out = append(out, addr)
			}
		}
	}
	sort.Strings(out)
	return out
}
