// Command imagebuild builds the org-app container image without a Docker
// daemon (see internal/imagebuild and docs/adr/0202-image-build-without-docker.md):
//
//	go run ./cmd/imagebuild -out dist/image -version v1.2.3 -revision abc123 -created 2026-11-30T12:00:00Z
//
// It writes dist/image/org-app.oci (OCI layout, linux/amd64 + linux/arm64),
// org-app.oci.tar, org-app-linux-<arch>.docker.tar, digest and ref, and
// prints what it built. Exit status 2 on bad flags, 1 on a failed build.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/imagebuild"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("imagebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "dist/image", "output directory (gitignored)")
	repo := fs.String("repo", "ko.local/org-app", "image repository; the tag is -version")
	version := fs.String("version", "", "version: image tag, org.opencontainers.image.version and the binaries' version stamp")
	revision := fs.String("revision", "", "git commit: org.opencontainers.image.revision")
	created := fs.String("created", "", "RFC 3339 time (use the commit time): image creation time, file times and build time stamp")
	source := fs.String("source", imagebuild.DefaultSource, "org.opencontainers.image.source")
	platforms := fs.String("platforms", "linux/amd64,linux/arm64", "comma-separated OS/ARCH list")
	module := fs.String("module", ".", "directory of the Go module holding ./cmd/org-app and ./cmd/canary")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "imagebuild: unexpected arguments %q\n", fs.Args())
		return 2
	}
	t, err := time.Parse(time.RFC3339, *created)
	if err != nil {
		fmt.Fprintf(stderr, "imagebuild: -created must be an RFC 3339 time such as 2026-11-30T12:00:00Z, got %q\n", *created)
		return 2
	}
	var plats []v1.Platform
	for _, s := range strings.Split(*platforms, ",") {
		p, err := v1.ParsePlatform(strings.TrimSpace(s))
		if err != nil || p.OS != "linux" || (p.Architecture != "amd64" && p.Architecture != "arm64") {
			fmt.Fprintf(stderr, "imagebuild: -platforms: %q is not linux/amd64 or linux/arm64\n", s)
			return 2
		}
		plats = append(plats, *p)
	}
	spec := imagebuild.Spec{Repository: *repo, Version: *version, Revision: *revision, Created: t, Source: *source}
	if err := spec.Validate(); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	moduleDir, err := filepath.Abs(*module)
	if err != nil {
		fmt.Fprintf(stderr, "imagebuild: %v\n", err)
		return 2
	}
	res, err := imagebuild.Build(ctx, imagebuild.Options{ModuleDir: moduleDir, OutDir: *out, Spec: spec, Platforms: plats})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "image %s\nindex %s\n", res.Ref.Name(), res.IndexDigest)
	for _, p := range res.Platforms {
		fmt.Fprintf(stdout, "  %-12s %s  %.1f MB compressed  %s\n", p.Platform.String(), p.Digest, float64(p.CompressedSize)/1e6, p.DockerArchive)
	}
	fmt.Fprintf(stdout, "OCI layout %s, tarball %s\n",
		filepath.Join(*out, imagebuild.LayoutDir), filepath.Join(*out, imagebuild.LayoutTar))
	return 0
}
