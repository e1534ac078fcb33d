// Package imagebuild assembles the org-app container image without a Docker
// daemon or a base image: one layer holding the static org-app and canary
// binaries, an /etc/passwd with the nonroot user (uid 65532), and a CA bundle
// taken from golang.org/x/crypto/x509roots/fallback (pinned in go.mod), for
// linux/amd64 and linux/arm64. It writes an OCI image layout (a multi-platform
// index), a tarball of that layout, and one docker-archive per platform.
//
// deploy/Dockerfile describes the same image for users with Docker; the
// package tests compare the two.
package imagebuild

import (
	"archive/tar"
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The image's fixed shape. deploy/Dockerfile declares the same values.
const (
	// BinDir holds the binaries; Entrypoint is org-app, and the canary runs
	// as `/usr/local/bin/canary run ...` (command override) from the same image.
	BinDir     = "/usr/local/bin"
	Entrypoint = BinDir + "/org-app"
	CanaryPath = BinDir + "/canary"
	// User is distroless's nonroot user and group.
	User    = "65532:65532"
	UID     = 65532
	Home    = "/home/nonroot"
	CAFile  = "/etc/ssl/certs/ca-certificates.crt"
	Title   = "org-app"
	License = "Apache-2.0"
	// Description matches the Dockerfile's LABEL.
	Description = "Authenticated JSON API with health and Prometheus listeners"
	// DefaultSource is the repository URL in org.opencontainers.image.source.
	DefaultSource = "https://github.com/k8s-cluster-infra/k8s-cluster-infra"
)

// Programs are the binaries the image carries, by file name in BinDir.
var Programs = []string{"org-app", "canary"}

// Ports are the listeners org-app exposes: API, health, metrics.
var Ports = []string{"8080/tcp", "8081/tcp", "8000/tcp"}

// Platforms are the platforms `make image` builds.
var Platforms = []v1.Platform{
	{OS: "linux", Architecture: "amd64"},
	{OS: "linux", Architecture: "arm64"},
}

// Healthcheck mirrors the Dockerfile's HEALTHCHECK (Docker honours it;
// Kubernetes uses the chart's probes instead).
var Healthcheck = v1.HealthConfig{
	Test:        []string{"CMD", Entrypoint, "probe"},
	Interval:    10 * time.Second,
	Timeout:     3 * time.Second,
	StartPeriod: 5 * time.Second,
	Retries:     3,
}

// Spec is what varies between builds.
type Spec struct {
	Repository string    // e.g. ko.local/org-app; the tag is Version
	Version    string    // image tag and org.opencontainers.image.version
	Revision   string    // git commit, org.opencontainers.image.revision
	Created    time.Time // commit time, for a reproducible image
	Source     string    // org.opencontainers.image.source
}

// Validate checks that the spec makes a valid, labelled image reference.
func (s Spec) Validate() error {
	switch {
	case s.Repository == "":
		return errors.New("imagebuild: repository is required, e.g. ko.local/org-app")
	case s.Version == "":
		return errors.New("imagebuild: version is required (the image tag)")
	case s.Revision == "":
		return errors.New("imagebuild: revision is required (the git commit)")
	case s.Source == "":
		return errors.New("imagebuild: source is required (the repository URL)")
	case s.Created.IsZero():
		return errors.New("imagebuild: created time is required (use the commit time for reproducible images)")
	}
	if _, err := s.Tag(); err != nil {
		return err
	}
	return nil
}

// Tag is the image reference Repository:Version.
func (s Spec) Tag() (name.Tag, error) {
	t, err := name.NewTag(s.Repository+":"+s.Version, name.StrictValidation)
	if err != nil {
		return name.Tag{}, fmt.Errorf("imagebuild: %q:%q is not a valid image reference: %w", s.Repository, s.Version, err)
	}
	return t, nil
}

// Labels are the OCI annotations the image config and manifests carry.
func (s Spec) Labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       Title,
		"org.opencontainers.image.description": Description,
		"org.opencontainers.image.source":      s.Source,
		"org.opencontainers.image.licenses":    License,
		"org.opencontainers.image.version":     s.Version,
		"org.opencontainers.image.revision":    s.Revision,
		"org.opencontainers.image.created":     s.Created.UTC().Format(time.RFC3339),
	}
}

// File is one regular file for the layer.
type File struct {
	Path string // absolute path in the image
	Mode int64
	Data []byte
}

// CABundle returns the PEM bundle written to CAFile: the Mozilla NSS roots
// embedded in golang.org/x/crypto/x509roots/fallback/bundle, without the
// roots that carry a distrust-after constraint (a PEM file cannot express
// it, so those are left out rather than trusted unconditionally).
func CABundle() (pemData []byte, count int) {
	var buf bytes.Buffer
	for r := range bundle.Roots() {
		if r.Constraint != nil {
			continue
		}
		_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate})
		count++
	}
	return buf.Bytes(), count
}

// Passwd and Group define root and nonroot, as distroless/static does.
const (
	Passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" //nolint:gosec // G101: account entries, no password hashes (x)
	Group  = "root:x:0:\nnonroot:x:65532:\n"
	// NSSwitch makes resolvers consult /etc/hosts before DNS.
	NSSwitch = "hosts: files dns\n"
)

type dir struct {
	path     string
	mode     int64
	uid, gid int
}

// Layer builds the image's single layer: the directories, the system files
// and the binaries, owned by root and read-only except the nonroot home and
// /tmp. Entries are sorted and stamped with created, so the same inputs give
// the same digest.
func Layer(bins []File, created time.Time) (v1.Layer, error) {
	caPEM, n := CABundle()
	if n == 0 {
		return nil, errors.New("imagebuild: the CA bundle is empty")
	}
	dirs := []dir{
		{"etc", 0o755, 0, 0}, {"etc/ssl", 0o755, 0, 0}, {"etc/ssl/certs", 0o755, 0, 0},
		{"home", 0o755, 0, 0}, {"home/nonroot", 0o700, UID, UID},
		{"tmp", 0o1777, 0, 0},
		{"usr", 0o755, 0, 0}, {"usr/local", 0o755, 0, 0}, {"usr/local/bin", 0o755, 0, 0},
	}
	files := []File{
		{Path: "/etc/passwd", Mode: 0o644, Data: []byte(Passwd)},
		{Path: "/etc/group", Mode: 0o644, Data: []byte(Group)},
		{Path: "/etc/nsswitch.conf", Mode: 0o644, Data: []byte(NSSwitch)},
		{Path: CAFile, Mode: 0o644, Data: caPEM},
	}
	seen := map[string]bool{}
	for _, b := range bins {
		if !strings.HasPrefix(b.Path, BinDir+"/") || len(b.Data) == 0 {
			return nil, fmt.Errorf("imagebuild: binary %q must be a non-empty file in %s", b.Path, BinDir)
		}
		if seen[b.Path] {
			return nil, fmt.Errorf("imagebuild: binary %q given twice", b.Path)
		}
		seen[b.Path] = true
		files = append(files, b)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := created.UTC()
	for _, d := range dirs {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d.path + "/", Mode: d.mode,
			Uid: d.uid, Gid: d.gid, ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return nil, fmt.Errorf("imagebuild: layer: %w", err)
		}
	}
	for _, f := range files {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(f.Path, "/"), Mode: f.Mode,
			Size: int64(len(f.Data)), ModTime: mtime, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("imagebuild: layer: %w", err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, fmt.Errorf("imagebuild: layer: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("imagebuild: layer: %w", err)
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
}

// Image builds the image for one platform from its binaries.
func Image(spec Spec, p v1.Platform, bins []File) (v1.Image, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	layer, err := Layer(bins, spec.Created)
	if err != nil {
		return nil, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:       layer,
		History:     v1.History{Created: v1.Time{Time: spec.Created.UTC()}, CreatedBy: "imagebuild: org-app and canary, passwd, CA bundle", Comment: "one layer, no base image"},
		MediaType:   types.OCILayer,
		Annotations: nil,
	})
	if err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.Created = v1.Time{Time: spec.Created.UTC()}
	ports := map[string]struct{}{}
	for _, port := range Ports {
		ports[port] = struct{}{}
	}
	hc := Healthcheck
	cf.Config = v1.Config{
		User:         User,
		Entrypoint:   []string{Entrypoint},
		Env:          []string{"PATH=" + BinDir, "SSL_CERT_FILE=" + CAFile},
		WorkingDir:   "/",
		ExposedPorts: ports,
		Labels:       spec.Labels(),
		Healthcheck:  &hc,
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	return mutate.Annotations(img, spec.Labels()).(v1.Image), nil
}

// Index puts one image per platform into an OCI image index, in the order of
// platforms.
func Index(spec Spec, platforms []v1.Platform, imgs map[string]v1.Image) (v1.ImageIndex, error) {
	var adds []mutate.IndexAddendum
	for _, p := range platforms {
		img, ok := imgs[p.String()]
		if !ok {
			return nil, fmt.Errorf("imagebuild: no image for platform %s (have %s)", p, strings.Join(slices.Sorted(maps.Keys(imgs)), ", "))
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.AppendManifests(idx, adds...)
	return mutate.Annotations(idx, spec.Labels()).(v1.ImageIndex), nil
}

// CompressedSize is what a node pulls for img: manifest, config and layers.
func CompressedSize(img v1.Image) (int64, error) {
	m, err := img.Manifest()
	if err != nil {
		return 0, err
	}
	raw, err := img.RawManifest()
	if err != nil {
		return 0, err
	}
	total := int64(len(raw)) + m.Config.Size
	for _, l := range m.Layers {
		total += l.Size
	}
	return total, nil
}
