package imagebuild_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/x509"
	"debug/elf"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/imagebuild"
)

// maxCompressed bounds what a node pulls per platform.
const maxCompressed = 20 << 20

func testSpec() imagebuild.Spec {
	return imagebuild.Spec{
		Repository: "ko.local/org-app", Version: "v0.0.0-test", Revision: "0123456789ab",
		Created: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Source: imagebuild.DefaultSource,
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	return dir
}

// TestBuiltImage builds the real image for both platforms (the same code
// path as `make image`), writes it, opens the OCI layout from disk and checks
// what a node would run.
func TestBuiltImage(t *testing.T) {
	spec := testSpec()
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := imagebuild.Build(ctx, imagebuild.Options{ModuleDir: moduleRoot(t), OutDir: out, Spec: spec, Platforms: imagebuild.Platforms})
	if err != nil {
		t.Fatal(err)
	}

	p, err := layout.FromPath(filepath.Join(out, imagebuild.LayoutDir))
	if err != nil {
		t.Fatal(err)
	}
	root, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	rm, err := root.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(rm.Manifests) != 1 {
		t.Fatalf("layout index.json has %d entries, want 1 (the multi-platform index)", len(rm.Manifests))
	}
	if got := rm.Manifests[0].Annotations["io.containerd.image.name"]; got != "ko.local/org-app:v0.0.0-test" {
		t.Errorf("io.containerd.image.name = %q", got)
	}
	if rm.Manifests[0].Digest != res.IndexDigest {
		t.Errorf("layout digest %s, Build reported %s", rm.Manifests[0].Digest, res.IndexDigest)
	}
	digestFile, err := os.ReadFile(filepath.Join(out, imagebuild.DigestFile))
	if err != nil || strings.TrimSpace(string(digestFile)) != res.IndexDigest.String() {
		t.Errorf("digest file = %q (%v), want %s", digestFile, err, res.IndexDigest)
	}
	idx, err := root.ImageIndex(rm.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	checkLabels(t, "index annotations", im.Annotations, spec)

	var platforms []string
	for _, desc := range im.Manifests {
		if desc.Platform == nil {
			t.Fatalf("index entry %s has no platform", desc.Digest)
		}
		platforms = append(platforms, desc.Platform.String())
		img, err := idx.Image(desc.Digest)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(desc.Platform.String(), func(t *testing.T) { checkImage(t, img, *desc.Platform, spec) })
	}
	slices.Sort(platforms)
	if want := []string{"linux/amd64", "linux/arm64"}; !slices.Equal(platforms, want) {
		t.Errorf("platforms = %v, want %v", platforms, want)
	}

	// The docker-archive of each platform loads as the same image.
	for _, pr := range res.Platforms {
		img, err := tarball.ImageFromPath(pr.DockerArchive, nil)
		if err != nil {
			t.Fatalf("%s: %v", pr.DockerArchive, err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if cf.Architecture != pr.Platform.Architecture || cf.Config.User != imagebuild.User {
			t.Errorf("%s: architecture %s user %s", pr.DockerArchive, cf.Architecture, cf.Config.User)
		}
	}
	// The OCI tarball holds the layout.
	names := tarNames(t, filepath.Join(out, imagebuild.LayoutTar))
	for _, want := range []string{"index.json", "oci-layout"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s lacks %s (has %d entries)", imagebuild.LayoutTar, want, len(names))
		}
	}
}

func checkImage(t *testing.T, img v1.Image, p v1.Platform, spec imagebuild.Spec) {
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != p.OS || cf.Architecture != p.Architecture {
		t.Errorf("config platform %s/%s, index says %s", cf.OS, cf.Architecture, p)
	}
	if cf.Config.User != "65532:65532" {
		t.Errorf("user = %q, want 65532:65532", cf.Config.User)
	}
	if !slices.Equal(cf.Config.Entrypoint, []string{"/usr/local/bin/org-app"}) {
		t.Errorf("entrypoint = %q", cf.Config.Entrypoint)
	}
	if len(cf.Config.Cmd) != 0 {
		t.Errorf("cmd = %q, want none (org-app runs on embedded defaults without arguments)", cf.Config.Cmd)
	}
	checkLabels(t, "config labels", cf.Config.Labels, spec)
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	checkLabels(t, "manifest annotations", m.Annotations, spec)
	if len(m.Layers) != 1 {
		t.Errorf("%d layers, want 1", len(m.Layers))
	}
	size, err := imagebuild.CompressedSize(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %.1f MB compressed", p, float64(size)/1e6)
	if size >= maxCompressed {
		t.Errorf("compressed size %d bytes, want < %d", size, maxCompressed)
	}

	files := extract(t, img)
	for _, shell := range []string{"bin/sh", "bin/bash", "bin/busybox", "usr/bin/sh", "bin/ash"} {
		if _, ok := files[shell]; ok {
			t.Errorf("image contains a shell: /%s", shell)
		}
	}
	for name, f := range files {
		if strings.HasPrefix(name, "bin/") || strings.HasPrefix(name, "sbin/") || strings.HasPrefix(name, "usr/bin/") {
			t.Errorf("unexpected executable location /%s", name)
		}
		if f.hdr.Typeflag == tar.TypeSymlink || f.hdr.Typeflag == tar.TypeLink {
			t.Errorf("unexpected link /%s -> %s", name, f.hdr.Linkname)
		}
		if f.hdr.Mode&0o6000 != 0 {
			t.Errorf("/%s is setuid/setgid (mode %o)", name, f.hdr.Mode)
		}
	}
	wantMachine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[p.Architecture]
	for _, prog := range []string{"usr/local/bin/org-app", "usr/local/bin/canary"} {
		f, ok := files[prog]
		if !ok {
			t.Errorf("missing /%s", prog)
			continue
		}
		if f.hdr.Mode&0o111 == 0 || f.hdr.Mode&0o222 != 0 || f.hdr.Uid != 0 {
			t.Errorf("/%s mode %o uid %d, want read-only executable owned by root", prog, f.hdr.Mode, f.hdr.Uid)
		}
		ef, err := elf.NewFile(bytes.NewReader(f.data))
		if err != nil {
			t.Errorf("/%s is not an ELF binary: %v", prog, err)
			continue
		}
		if ef.Machine != wantMachine {
			t.Errorf("/%s is built for %v, want %v", prog, ef.Machine, wantMachine)
		}
		for _, ph := range ef.Progs {
			if ph.Type == elf.PT_INTERP {
				t.Errorf("/%s is dynamically linked (has an interpreter)", prog)
			}
		}
	}
	passwd := string(files["etc/passwd"].data)
	if !strings.Contains(passwd, "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd lacks the nonroot user: %q", passwd)
	}
	if home, ok := files["home/nonroot"]; !ok || home.hdr.Uid != 65532 {
		t.Errorf("/home/nonroot missing or not owned by 65532")
	}
	if tmp, ok := files["tmp"]; !ok || tmp.hdr.Mode&0o1777 != 0o1777 {
		t.Errorf("/tmp missing or not mode 1777")
	}
	pool := x509.NewCertPool()
	n := 0
	rest := files["etc/ssl/certs/ca-certificates.crt"].data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatalf("CA bundle: %v", err)
		}
		pool.AddCert(c)
		n++
	}
	if n < 100 {
		t.Errorf("CA bundle has %d certificates, want the Mozilla set (> 100)", n)
	}
}

func checkLabels(t *testing.T, where string, got map[string]string, spec imagebuild.Spec) {
	t.Helper()
	want := map[string]string{
		"org.opencontainers.image.source":   imagebuild.DefaultSource,
		"org.opencontainers.image.revision": spec.Revision,
		"org.opencontainers.image.version":  spec.Version,
		"org.opencontainers.image.created":  "2026-11-30T12:00:00Z",
		"org.opencontainers.image.title":    "org-app",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %q, want %q", where, k, got[k], v)
		}
	}
}

type entry struct {
	hdr  *tar.Header
	data []byte
}

func extract(t *testing.T, img v1.Image) map[string]entry {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	files := map[string]entry{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[hdr.Name] = entry{hdr: hdr, data: data}
	}
}

func tarNames(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var names []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

// TestLayerIsReproducible: the same inputs give the same layer digest.
func TestLayerIsReproducible(t *testing.T) {
	bins := []imagebuild.File{{Path: "/usr/local/bin/org-app", Mode: 0o555, Data: []byte("\x7fELF fake")}}
	created := testSpec().Created
	a, err := imagebuild.Layer(bins, created)
	if err != nil {
		t.Fatal(err)
	}
	b, err := imagebuild.Layer(bins, created)
	if err != nil {
		t.Fatal(err)
	}
	da, _ := a.Digest()
	db, _ := b.Digest()
	if da != db {
		t.Errorf("layer digests differ: %s vs %s", da, db)
	}
	c, err := imagebuild.Layer(bins, created.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if dc, _ := c.Digest(); dc == da {
		t.Error("a different creation time gave the same digest: file times are not stamped")
	}
}

func TestLayerRejectsBadBinaries(t *testing.T) {
	for _, bins := range [][]imagebuild.File{
		{{Path: "/bin/sh", Mode: 0o555, Data: []byte("x")}},
		{{Path: "/usr/local/bin/org-app", Mode: 0o555}},
		{{Path: "/usr/local/bin/a", Mode: 0o555, Data: []byte("x")}, {Path: "/usr/local/bin/a", Mode: 0o555, Data: []byte("y")}},
	} {
		if _, err := imagebuild.Layer(bins, testSpec().Created); err == nil {
			t.Errorf("Layer(%v) accepted", bins[0].Path)
		}
	}
}

func TestSpecValidate(t *testing.T) {
	ok := testSpec()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*imagebuild.Spec){
		"no repository":  func(s *imagebuild.Spec) { s.Repository = "" },
		"bad tag":        func(s *imagebuild.Spec) { s.Version = "v1 with spaces" },
		"no revision":    func(s *imagebuild.Spec) { s.Revision = "" },
		"no created":     func(s *imagebuild.Spec) { s.Created = time.Time{} },
		"uppercase repo": func(s *imagebuild.Spec) { s.Repository = "Ko.Local/Org-App" },
	} {
		s := testSpec()
		mutate(&s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCABundle(t *testing.T) {
	pemData, n := imagebuild.CABundle()
	if n < 100 || !bytes.Contains(pemData, []byte("-----BEGIN CERTIFICATE-----")) {
		t.Fatalf("CA bundle: %d certificates", n)
	}
}
