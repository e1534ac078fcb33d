package imagebuild

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// BuildInfoPkg receives the version stamp through -ldflags -X.
const BuildInfoPkg = "github.com/k8s-cluster-infra/k8s-cluster-infra/internal/buildinfo"

// GoBuild cross-compiles every program in Programs for p from the module in
// moduleDir: static (CGO_ENABLED=0), -trimpath, stripped, stamped with the
// spec's version, revision and creation time, the way the Makefile and the
// Dockerfile build them.
func GoBuild(ctx context.Context, moduleDir string, p v1.Platform, spec Spec, workDir string) ([]File, error) {
	out := filepath.Join(workDir, p.OS+"-"+p.Architecture)
	if err := os.MkdirAll(out, 0o750); err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	ldflags := strings.Join([]string{
		"-s", "-w",
		"-X", BuildInfoPkg + ".Version=" + spec.Version,
		"-X", BuildInfoPkg + ".Commit=" + spec.Revision,
		"-X", BuildInfoPkg + ".BuildTime=" + spec.Created.UTC().Format("2006-01-02T15:04:05Z"),
	}, " ")
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out + string(filepath.Separator)}
	for _, prog := range Programs {
		args = append(args, "./cmd/"+prog)
	}
	cmd := exec.CommandContext(ctx, "go", args...) //nolint:gosec // G204: the go toolchain on PATH with arguments built here
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Architecture, "GOFLAGS=-mod=readonly")
	if p.Variant != "" && p.Architecture == "arm" {
		cmd.Env = append(cmd.Env, "GOARM="+strings.TrimPrefix(p.Variant, "v"))
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("imagebuild: go build for %s: %w\n%s", p, err, msg)
	}
	var files []File
	for _, prog := range Programs {
		data, err := os.ReadFile(filepath.Join(out, prog))
		if err != nil {
			return nil, fmt.Errorf("imagebuild: %w", err)
		}
		files = append(files, File{Path: path.Join(BinDir, prog), Mode: 0o555, Data: data})
	}
	return files, nil
}

// Output names under the output directory.
const (
	LayoutDir  = "org-app.oci"     // OCI image layout: the multi-platform index
	LayoutTar  = "org-app.oci.tar" // the same layout as one tarball
	DigestFile = "digest"          // the index digest, sha256:...
	RefFile    = "ref"             // repository:tag
)

// DockerArchive names the docker-archive (`docker load`, `kind load
// image-archive`, localk8s load-image) of one platform.
func DockerArchive(p v1.Platform) string {
	return fmt.Sprintf("org-app-%s-%s.docker.tar", p.OS, p.Architecture)
}

// Result describes what Write produced.
type Result struct {
	Ref         name.Tag
	IndexDigest v1.Hash
	Platforms   []PlatformResult
}

// PlatformResult is one platform's image.
type PlatformResult struct {
	Platform       v1.Platform
	Digest         v1.Hash
	CompressedSize int64
	DockerArchive  string
}

// Write writes idx (and its per-platform images) under outDir: the OCI
// layout directory, its tarball, a docker-archive per platform, and the
// digest and ref files. The layout's index entry is named by the
// io.containerd.image.name and org.opencontainers.image.ref.name
// annotations, so containerd and kind import it under spec's tag.
func Write(outDir string, spec Spec, platforms []v1.Platform, idx v1.ImageIndex) (*Result, error) {
	tag, err := spec.Tag()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o750); err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	layoutDir := filepath.Join(outDir, LayoutDir)
	if err := os.RemoveAll(layoutDir); err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	lp, err := layout.Write(layoutDir, empty.Index)
	if err != nil {
		return nil, fmt.Errorf("imagebuild: OCI layout: %w", err)
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"io.containerd.image.name":          tag.Name(),
		"org.opencontainers.image.ref.name": tag.TagStr(),
	})); err != nil {
		return nil, fmt.Errorf("imagebuild: OCI layout: %w", err)
	}
	if err := TarDir(layoutDir, filepath.Join(outDir, LayoutTar)); err != nil {
		return nil, err
	}
	digest, err := idx.Digest()
	if err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	res := &Result{Ref: tag, IndexDigest: digest}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	for _, p := range platforms {
		var desc *v1.Descriptor
		for i := range im.Manifests {
			if d := im.Manifests[i]; d.Platform != nil && d.Platform.Equals(p) {
				desc = &im.Manifests[i]
			}
		}
		if desc == nil {
			return nil, fmt.Errorf("imagebuild: the index has no image for %s", p)
		}
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return nil, fmt.Errorf("imagebuild: %w", err)
		}
		size, err := CompressedSize(img)
		if err != nil {
			return nil, fmt.Errorf("imagebuild: %w", err)
		}
		archive := filepath.Join(outDir, DockerArchive(p))
		if err := tarball.WriteToFile(archive, tag, img); err != nil {
			return nil, fmt.Errorf("imagebuild: docker-archive for %s: %w", p, err)
		}
		res.Platforms = append(res.Platforms, PlatformResult{Platform: p, Digest: desc.Digest, CompressedSize: size, DockerArchive: archive})
	}
	if err := os.WriteFile(filepath.Join(outDir, DigestFile), []byte(digest.String()+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	if err := os.WriteFile(filepath.Join(outDir, RefFile), []byte(tag.Name()+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	return res, nil
}

// TarDir writes the files under dir into a tarball at out, paths relative to
// dir, in a stable order, so an OCI layout directory becomes an OCI layout
// tarball.
func TarDir(dir, out string) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("imagebuild: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("imagebuild: %w", cerr)
		}
	}()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("imagebuild: %w", err)
	}
	defer func() { _ = root.Close() }()
	tw := tar.NewWriter(f)
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, werr error) error {
		if werr != nil || rel == "." {
			return werr
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			hdr.Name += "/"
		}
		hdr.ModTime, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = hdr.ModTime.Truncate(0).UTC(), 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		src, err := root.Open(rel)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err != nil {
		return fmt.Errorf("imagebuild: tar %s: %w", dir, err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("imagebuild: tar %s: %w", dir, err)
	}
	return nil
}

// Options configure Build.
type Options struct {
	ModuleDir string
	OutDir    string
	Spec      Spec
	Platforms []v1.Platform
}

// Build compiles the programs for every platform, assembles the images and
// the index, and writes them with Write.
func Build(ctx context.Context, o Options) (*Result, error) {
	if err := o.Spec.Validate(); err != nil {
		return nil, err
	}
	if len(o.Platforms) == 0 {
		return nil, fmt.Errorf("imagebuild: no platforms")
	}
	work, err := os.MkdirTemp("", "imagebuild-")
	if err != nil {
		return nil, fmt.Errorf("imagebuild: %w", err)
	}
	defer func() { _ = os.RemoveAll(work) }()
	imgs := map[string]v1.Image{}
	for _, p := range o.Platforms {
		bins, err := GoBuild(ctx, o.ModuleDir, p, o.Spec, work)
		if err != nil {
			return nil, err
		}
		img, err := Image(o.Spec, p, bins)
		if err != nil {
			return nil, err
		}
		imgs[p.String()] = img
	}
	idx, err := Index(o.Spec, o.Platforms, imgs)
	if err != nil {
		return nil, err
	}
	return Write(o.OutDir, o.Spec, o.Platforms, idx)
}
