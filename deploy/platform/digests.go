package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"sigs.k8s.io/yaml"
)

// ImageRef is one third-party image of the org-app chart: its values key
// (fluentBit.image) and what the merged values say it runs.
type ImageRef struct {
	Key        string // values key of the {repository, tag, digest} object
	Repository string
	Tag        string
}

// String is repository:tag.
func (r ImageRef) String() string { return r.Repository + ":" + r.Tag }

// PinnedImage is an ImageRef with the manifest (or index) digest the tag
// pointed at when it was resolved.
type PinnedImage struct {
	ImageRef
	Digest string
}

// String is repository:tag@digest, the reference that was deployed.
func (p PinnedImage) String() string { return p.ImageRef.String() + "@" + p.Digest }

// Resolver resolves repository:tag to the digest of what the tag points at.
type Resolver interface {
	Resolve(ctx context.Context, ref ImageRef) (string, error)
}

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Auth returns the credentials of an image registry host.
type Auth func(ctx context.Context, registry string) (authn.Authenticator, error)

// RegistryResolver resolves tags against the registry API (OCI distribution):
// a GET of the manifest, so a pull-through cache repository imports the
// image on the first request. The digest is the top-level one: an index's
// for a multi-arch image, so every node architecture pulls by it.
type RegistryResolver struct {
	// Auth gives the registry's credentials; nil is anonymous.
	Auth Auth
	// Timeout bounds each image's resolution (credentials included); 0 is 30 s.
	Timeout time.Duration
	// Transport is the HTTP transport; nil is remote.DefaultTransport.
	Transport http.RoundTripper
	// Endpoint, when set, maps a registry host to the host:port that serves
	// it (tests: a loopback registry standing in for ECR). Auth still gets
	// the original host.
	Endpoint func(registry string) string
}

// DefaultResolveTimeout bounds one image's resolution when none is given.
const DefaultResolveTimeout = 30 * time.Second

// Resolve returns the digest ref's tag points at now.
func (r *RegistryResolver) Resolve(ctx context.Context, ref ImageRef) (string, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultResolveTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	tag, err := name.NewTag(ref.String(), name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("platform: %s: not an image reference: %w", ref, err)
	}
	registry := tag.RegistryStr()
	target := tag
	if r.Endpoint != nil {
		if host := r.Endpoint(registry); host != "" && host != registry {
			target, err = name.NewTag(host+"/"+tag.RepositoryStr()+":"+tag.TagStr(), name.StrictValidation)
			if err != nil {
				return "", fmt.Errorf("platform: %s: endpoint %q: %w", ref, host, err)
			}
		}
	}
	auth := authn.Anonymous
	if r.Auth != nil {
		if auth, err = r.Auth(ctx, registry); err != nil {
			return "", fmt.Errorf("platform: %s: credentials for %s: %w", ref, registry, err)
		}
	}
	transport := r.Transport
	if transport == nil {
		transport = remote.DefaultTransport
	}
	desc, err := remote.Get(target,
		remote.WithContext(ctx),
		remote.WithAuth(auth),
		remote.WithTransport(transport),
		// A bounded retry of network flakes; the context's deadline cuts it shorter.
		remote.WithRetryBackoff(remote.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Jitter: 0.1, Steps: 3}),
	)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("platform: %s: no answer from %s within %s: %w", ref, registry, timeout, err)
		}
		return "", fmt.Errorf("platform: %s: resolving the tag in %s: %w", ref, registry, err)
	}
	d := desc.Digest.String()
	if !digestRE.MatchString(d) {
		return "", fmt.Errorf("platform: %s: registry %s answered digest %q, want sha256:<64 hex>", ref, registry, d)
	}
	return d, nil
}

// ChartImageValues are the org-app chart's third-party images: the values
// key of each and whether it runs under the merged values.
var chartThirdPartyImages = []struct {
	key     string
	enabled func(v V) bool
}{
	// One Fluent Bit image for org-app's sidecar and the canary's.
	{"fluentBit.image", func(v V) bool {
		return boolAt(v, "fluentBit.enabled") || (boolAt(v, "canary.enabled") && boolAt(v, "canary.fluentBit.enabled"))
	}},
	{"adot.image", func(v V) bool { return boolAt(v, "adot.enabled") }},
}

// ThirdPartyImages lists the chart's third-party images that run with the
// merged values (the chart's values.yaml, then each values file, then the
// generated region values, as helm merges them), in a fixed order.
func ThirdPartyImages(merged V) ([]ImageRef, error) {
	var out []ImageRef
	for _, img := range chartThirdPartyImages {
		if !img.enabled(merged) {
			continue
		}
		obj, _ := at(merged, img.key).(map[string]any)
		repo, _ := obj["repository"].(string)
		tag, _ := obj["tag"].(string)
		if repo == "" || tag == "" {
			return nil, fmt.Errorf("platform: %s: repository %q and tag %q: both are needed to resolve the digest", img.key, repo, tag)
		}
		out = append(out, ImageRef{Key: img.key, Repository: repo, Tag: tag})
	}
	return out, nil
}

// PinImages resolves each image and sets {repository, tag, digest} at its
// key in vals (the printed region values). The first failure stops it.
func PinImages(ctx context.Context, vals V, images []ImageRef, r Resolver) ([]PinnedImage, error) {
	pinned := make([]PinnedImage, 0, len(images))
	for _, img := range images {
		d, err := r.Resolve(ctx, img)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", img.Key, err)
		}
		setAt(vals, img.Key, V{"repository": img.Repository, "tag": img.Tag, "digest": d})
		pinned = append(pinned, PinnedImage{ImageRef: img, Digest: d})
	}
	return pinned, nil
}

// LoadValues reads the chart's values.yaml (chartDir) and the values files,
// in order, and merges them with extra on top, as helm does for maps (a
// later file's key replaces an earlier one's; maps merge key by key).
func LoadValues(chartDir string, files []string, extra V) (V, error) {
	merged := V{}
	for _, f := range append([]string{filepath.Join(chartDir, "values.yaml")}, files...) {
		data, err := os.ReadFile(f) //nolint:gosec // G304: the operator names the values files
		if err != nil {
			return nil, fmt.Errorf("platform: values: %w", err)
		}
		var v V
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("platform: values %s: %w", f, err)
		}
		mergeInto(merged, v)
	}
	if extra != nil {
		// Round-trip so the generated values are plain maps like the files'.
		data, err := yaml.Marshal(extra)
		if err != nil {
			return nil, err
		}
		var v V
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		mergeInto(merged, v)
	}
	return merged, nil
}

func mergeInto(dst, src V) {
	for k, sv := range src {
		if sm, ok := sv.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeInto(dm, sm)
				continue
			}
			cp := V{}
			mergeInto(cp, sm)
			dst[k] = cp
			continue
		}
		if sv == nil {
			delete(dst, k) // helm: null removes the key
			continue
		}
		dst[k] = sv
	}
}

func at(v V, key string) any {
	var cur any = v
	for _, k := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func boolAt(v V, key string) bool {
	b, _ := at(v, key).(bool)
	return b
}

func setAt(v V, key string, val any) {
	parts := strings.Split(key, ".")
	cur := v
	for _, k := range parts[:len(parts)-1] {
		next, ok := cur[k].(map[string]any)
		if !ok {
			next = V{}
			cur[k] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = val
}
