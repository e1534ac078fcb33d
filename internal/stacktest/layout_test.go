package stacktest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/stacktest"
)

// regionalRoots hold the same code and differ only in their backend key and
// tfvars (configuration apart from code): this keeps the copies from drifting.
var regionalRoots = []string{
	"infra/live/dev/us-east-1",
	"infra/live/staging/us-east-1",
	"infra/live/prod/us-east-1",
	"infra/live/prod/us-west-2",
}

func TestRegionalRootsShareTheirCode(t *testing.T) {
	repo, err := stacktest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	read := func(root, file string) []byte {
		b, err := os.ReadFile(filepath.Join(repo, root, file))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	key := regexp.MustCompile(`key = "[^"]*"`)
	for _, root := range regionalRoots[1:] {
		for _, f := range []string{"main.tf", "variables.tf", "outputs.tf", "providers.tf"} {
			if !bytes.Equal(read(root, f), read(regionalRoots[0], f)) {
				t.Errorf("%s/%s differs from %s/%s: change every regional root together", root, f, regionalRoots[0], f)
			}
		}
		v := read(root, "versions.tf")
		if want := []byte(`key = "` + root[len("infra/live/"):] + `/terraform.tfstate"`); !bytes.Contains(v, want) {
			t.Errorf("%s/versions.tf: backend key must be %s", root, want)
		}
		if !bytes.Equal(key.ReplaceAll(v, nil), key.ReplaceAll(read(regionalRoots[0], "versions.tf"), nil)) {
			t.Errorf("%s/versions.tf differs from %s beyond the backend key", root, regionalRoots[0])
		}
	}
}
