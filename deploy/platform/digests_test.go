package platform

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

const (
	ecrHost      = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
	fluentBitRef = ecrHost + "/ecr-public/aws-observability/aws-for-fluent-bit"
	adotRef      = ecrHost + "/ecr-public/aws-observability/aws-otel-collector"
)

// testRegistry serves an in-memory OCI registry on loopback with a random
// image at fluentBitRef:3.4.16 and a random multi-arch index at
// adotRef:v0.49.0 (repository paths as in ECR); it returns the host and the
// two digests.
func testRegistry(t *testing.T) (host, imageDigest, indexDigest string) {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host = strings.TrimPrefix(srv.URL, "http://")
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := random.Index(256, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	local := func(ref string) name.Tag {
		tag, err := name.NewTag(strings.Replace(ref, ecrHost, host, 1))
		if err != nil {
			t.Fatal(err)
		}
		return tag
	}
	if err := remote.Write(local(fluentBitRef+":3.4.16"), img); err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(local(adotRef+":v0.49.0"), idx); err != nil {
		t.Fatal(err)
	}
	d1, _ := img.Digest()
	d2, _ := idx.Digest()
	return host, d1.String(), d2.String()
}

// to maps the ECR host onto host.
func to(host string) func(string) string {
	return func(r string) string {
		if r == ecrHost {
			return host
		}
		return ""
	}
}

func TestRegistryResolver(t *testing.T) {
	host, imageDigest, indexDigest := testRegistry(t)
	var (
		mu     sync.Mutex
		authed []string
	)
	r := &RegistryResolver{
		Endpoint: to(host),
		Timeout:  5 * time.Second,
		Auth: func(_ context.Context, registry string) (authn.Authenticator, error) {
			mu.Lock()
			defer mu.Unlock()
			authed = append(authed, registry)
			return authn.Anonymous, nil
		},
	}
	ctx := context.Background()
	for _, c := range []struct {
		ref  ImageRef
		want string
	}{
		{ImageRef{Key: "fluentBit.image", Repository: fluentBitRef, Tag: "3.4.16"}, imageDigest},
		// A multi-arch image: the index's digest, not one platform's manifest.
		{ImageRef{Key: "adot.image", Repository: adotRef, Tag: "v0.49.0"}, indexDigest},
	} {
		got, err := r.Resolve(ctx, c.ref)
		if err != nil {
			t.Fatalf("%s: %v", c.ref, err)
		}
		if got != c.want {
			t.Errorf("%s resolved to %s, want the pushed %s", c.ref, got, c.want)
		}
	}
	if len(authed) != 2 || authed[0] != ecrHost || authed[1] != ecrHost {
		t.Errorf("credentials asked for %v, want the ECR host %s (not the endpoint) for each image", authed, ecrHost)
	}

	// A tag the registry does not have.
	missing := ImageRef{Key: "fluentBit.image", Repository: fluentBitRef, Tag: "9.9.9"}
	_, err := r.Resolve(ctx, missing)
	if err == nil || !strings.Contains(err.Error(), fluentBitRef+":9.9.9") || !strings.Contains(err.Error(), "MANIFEST_UNKNOWN") {
		t.Errorf("missing tag: %v, want an error naming %s:9.9.9 and the registry's answer", err, fluentBitRef)
	}

	// Credentials that fail stop the resolution with the image named.
	r.Auth = func(context.Context, string) (authn.Authenticator, error) { return nil, errors.New("no credentials") }
	if _, err := r.Resolve(ctx, ImageRef{Repository: adotRef, Tag: "v0.49.0"}); err == nil || !strings.Contains(err.Error(), adotRef+":v0.49.0") || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("failing credentials: %v", err)
	}
}

func TestRegistryResolverUnreachable(t *testing.T) {
	// Down: nothing listens on the port any more.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().String()
	_ = l.Close()

	// Hung: accepts the request and never answers.
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) })

	ref := ImageRef{Key: "adot.image", Repository: adotRef, Tag: "v0.49.0"}
	for _, c := range []struct {
		name, host, want string
	}{
		{"down", down, "resolving the tag"},
		{"hung", strings.TrimPrefix(hung.URL, "http://"), "no answer from " + ecrHost + " within 300ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &RegistryResolver{Endpoint: to(c.host), Timeout: 300 * time.Millisecond}
			start := time.Now()
			_, err := r.Resolve(context.Background(), ref)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s with a 300ms timeout", took)
			}
			if err == nil || !strings.Contains(err.Error(), adotRef+":v0.49.0") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one naming %s:v0.49.0 and %q", err, adotRef, c.want)
			}
		})
	}
}

func TestThirdPartyImages(t *testing.T) {
	region, err := AppValues(outputs(t))
	if err != nil {
		t.Fatal(err)
	}
	const chart = "../charts/org-app"
	for _, c := range []struct {
		name  string
		files []string
		extra V
		want  []string
	}{
		{"chart defaults: sidecars off", nil, nil, nil},
		{"local values", []string{"../values/local.yaml"}, nil, nil},
		{"prod values", []string{"../values/prod.yaml"}, region, []string{
			"fluentBit.image=" + fluentBitRef + ":3.4.16",
			"adot.image=" + adotRef + ":v0.49.0",
		}},
		{"only the canary's Fluent Bit", nil, V{"canary": V{"fluentBit": V{"enabled": true}}}, []string{
			"fluentBit.image=public.ecr.aws/aws-observability/aws-for-fluent-bit:3.4.16",
		}},
		{"the canary off, its Fluent Bit on", nil, V{"canary": V{"enabled": false, "fluentBit": V{"enabled": true}}}, nil},
		{"a later file's tag wins", []string{"../values/prod.yaml"}, V{"adot": V{"image": V{"tag": "v0.50.0"}}, "fluentBit": V{"enabled": false}}, []string{
			"fluentBit.image=public.ecr.aws/aws-observability/aws-for-fluent-bit:3.4.16", // the canary's
			"adot.image=public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			merged, err := LoadValues(chart, c.files, c.extra)
			if err != nil {
				t.Fatal(err)
			}
			imgs, err := ThirdPartyImages(merged)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range imgs {
				got = append(got, i.Key+"="+i.String())
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("images %v, want %v", got, c.want)
			}
		})
	}
	merged, err := LoadValues(chart, nil, V{"adot": V{"enabled": true, "image": V{"tag": ""}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ThirdPartyImages(merged); err == nil || !strings.Contains(err.Error(), "adot.image") {
		t.Errorf("an enabled image without a tag: %v", err)
	}
	if _, err := LoadValues(chart, []string{"../values/nonexistent.yaml"}, nil); err == nil || !strings.Contains(err.Error(), "nonexistent.yaml") {
		t.Errorf("a missing values file: %v", err)
	}
}

type fakeResolver map[string]string

func (f fakeResolver) Resolve(_ context.Context, ref ImageRef) (string, error) {
	if d, ok := f[ref.String()]; ok {
		return d, nil
	}
	return "", errors.New("platform: " + ref.String() + ": not found")
}

func TestPinImages(t *testing.T) {
	const d1, d2 = "sha256:1111111111111111111111111111111111111111111111111111111111111111", "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	imgs := []ImageRef{
		{Key: "fluentBit.image", Repository: fluentBitRef, Tag: "3.4.16"},
		{Key: "adot.image", Repository: adotRef, Tag: "v0.49.0"},
	}
	vals := V{"fluentBit": V{"logGroupName": "/org-app/x/app", "image": V{"repository": fluentBitRef}}}
	pinned, err := PinImages(context.Background(), vals, imgs, fakeResolver{imgs[0].String(): d1, imgs[1].String(): d2})
	if err != nil {
		t.Fatal(err)
	}
	if len(pinned) != 2 || pinned[0].String() != fluentBitRef+":3.4.16@"+d1 || pinned[1].String() != adotRef+":v0.49.0@"+d2 {
		t.Errorf("pinned %v", pinned)
	}
	fb := vals["fluentBit"].(V)
	if fb["logGroupName"] != "/org-app/x/app" || at(vals, "fluentBit.image.digest") != d1 || at(vals, "fluentBit.image.tag") != "3.4.16" || at(vals, "adot.image.digest") != d2 {
		t.Errorf("values after pinning: %v", vals)
	}
	_, err = PinImages(context.Background(), V{}, imgs, fakeResolver{imgs[0].String(): d1})
	if err == nil || !strings.HasPrefix(err.Error(), "adot.image: ") {
		t.Errorf("an image that does not resolve: %v", err)
	}
}

type fakeECR struct {
	calls int
	token string
	err   error
}

func (f *fakeECR) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{AuthorizationToken: aws.String(f.token)}}}, nil
}

func TestECRAuth(t *testing.T) {
	ctx := context.Background()
	api := &fakeECR{token: base64.StdEncoding.EncodeToString([]byte("AWS:test-password-not-real"))}
	auth := ECRAuth(api)
	for range 2 {
		a, err := auth(ctx, ecrHost)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := a.Authorization()
		if err != nil || cfg.Username != "AWS" || cfg.Password != "test-password-not-real" {
			t.Errorf("credentials %+v %v", cfg, err)
		}
	}
	if api.calls != 1 {
		t.Errorf("%d GetAuthorizationToken calls for two images, want 1", api.calls)
	}
	if _, err := auth(ctx, "127.0.0.1:5000"); err == nil || !strings.Contains(err.Error(), "not an ECR registry") {
		t.Errorf("a token for a host that is not ECR: %v", err)
	}
	for _, bad := range []*fakeECR{
		{err: errors.New("AccessDeniedException")},
		{token: "%%%"},
		{token: base64.StdEncoding.EncodeToString([]byte("no-colon"))},
	} {
		if _, err := ECRAuth(bad)(ctx, ecrHost); err == nil || !strings.Contains(err.Error(), "GetAuthorizationToken") {
			t.Errorf("token %q err %v: accepted or unclear: %v", bad.token, bad.err, err)
		}
	}
}
