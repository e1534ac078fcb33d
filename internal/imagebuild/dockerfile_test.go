package imagebuild_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/imagebuild"
)

// instruction is one Dockerfile instruction with continuations joined.
type instruction struct {
	cmd, args string
}

// finalStage returns the instructions after the last FROM.
func finalStage(t *testing.T, path string) []instruction {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var all []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		all = append(all, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	last := -1
	for i, in := range all {
		if in.cmd == "FROM" {
			last = i
		}
	}
	if last < 0 {
		t.Fatalf("%s has no FROM", path)
	}
	return all[last:]
}

func one(t *testing.T, stage []instruction, cmd string) string {
	t.Helper()
	var found []string
	for _, in := range stage {
		if in.cmd == cmd {
			found = append(found, in.args)
		}
	}
	if len(found) != 1 {
		t.Fatalf("final stage has %d %s instructions, want 1", len(found), cmd)
	}
	return found[0]
}

// TestDockerfileDescribesTheSameImage: deploy/Dockerfile's final stage
// declares what imagebuild writes: user, entrypoint, environment, ports,
// health check, the label keys (with the same build-arg sources) and the
// two programs in /usr/local/bin, on a distroless static nonroot base.
func TestDockerfileDescribesTheSameImage(t *testing.T) {
	stage := finalStage(t, "../../deploy/Dockerfile")
	from := stage[0].args
	if !strings.HasPrefix(from, "gcr.io/distroless/static-debian12:nonroot") {
		t.Errorf("final stage FROM %q, want distroless static nonroot", from)
	}
	if got := one(t, stage, "USER"); got != imagebuild.User {
		t.Errorf("USER %q, imagebuild writes %q", got, imagebuild.User)
	}
	var entry []string
	if err := json.Unmarshal([]byte(one(t, stage, "ENTRYPOINT")), &entry); err != nil {
		t.Fatalf("ENTRYPOINT is not exec form: %v", err)
	}
	if !slices.Equal(entry, []string{imagebuild.Entrypoint}) {
		t.Errorf("ENTRYPOINT %q, imagebuild writes %q", entry, imagebuild.Entrypoint)
	}
	if got := one(t, stage, "WORKDIR"); got != "/" {
		t.Errorf("WORKDIR %q, imagebuild writes /", got)
	}
	env := strings.Fields(one(t, stage, "ENV"))
	slices.Sort(env)
	if want := []string{"PATH=" + imagebuild.BinDir, "SSL_CERT_FILE=" + imagebuild.CAFile}; !slices.Equal(env, want) {
		t.Errorf("ENV %q, imagebuild writes %q", env, want)
	}
	ports := strings.Fields(one(t, stage, "EXPOSE"))
	if !slices.Equal(ports, imagebuild.Ports) {
		t.Errorf("EXPOSE %q, imagebuild writes %q", ports, imagebuild.Ports)
	}

	hc := one(t, stage, "HEALTHCHECK")
	for flag, want := range map[string]time.Duration{"--interval": imagebuild.Healthcheck.Interval,
		"--timeout": imagebuild.Healthcheck.Timeout, "--start-period": imagebuild.Healthcheck.StartPeriod} {
		m := regexp.MustCompile(flag + `=(\S+)`).FindStringSubmatch(hc)
		if m == nil {
			t.Errorf("HEALTHCHECK lacks %s", flag)
			continue
		}
		if d, err := time.ParseDuration(m[1]); err != nil || d != want {
			t.Errorf("HEALTHCHECK %s=%s, imagebuild writes %s", flag, m[1], want)
		}
	}
	_, cmdJSON, ok := strings.Cut(hc, " CMD ")
	var test []string
	if !ok || json.Unmarshal([]byte(strings.TrimSpace(cmdJSON)), &test) != nil ||
		!slices.Equal(append([]string{"CMD"}, test...), imagebuild.Healthcheck.Test) {
		t.Errorf("HEALTHCHECK command %q, imagebuild writes %q", cmdJSON, imagebuild.Healthcheck.Test)
	}

	labels := map[string]string{}
	for _, m := range regexp.MustCompile(`(\S+)="([^"]*)"`).FindAllStringSubmatch(one(t, stage, "LABEL"), -1) {
		labels[m[1]] = m[2]
	}
	spec := imagebuild.Spec{Version: "${VERSION}", Revision: "${COMMIT}", Source: imagebuild.DefaultSource}
	want := spec.Labels()
	want["org.opencontainers.image.created"] = "${BUILD_TIME}"
	for k, v := range want {
		if labels[k] != v {
			t.Errorf("LABEL %s=%q, imagebuild writes %q", k, labels[k], v)
		}
	}
	for k := range labels {
		if _, ok := want[k]; !ok {
			t.Errorf("LABEL %s is not written by imagebuild", k)
		}
	}

	cp := one(t, stage, "COPY")
	fields := strings.Fields(cp)
	if dest := fields[len(fields)-1]; dest != imagebuild.BinDir+"/" {
		t.Errorf("COPY destination %q, want %s/", dest, imagebuild.BinDir)
	}
	for _, prog := range imagebuild.Programs {
		if !slices.Contains(fields, "/out/"+prog) {
			t.Errorf("COPY %q does not copy %s", cp, prog)
		}
	}
	if !strings.Contains(cp, "--chmod=0555") || !strings.Contains(cp, "--chown=0:0") {
		t.Errorf("COPY %q: binaries must be root-owned and read-only (0555), as imagebuild writes them", cp)
	}
}
