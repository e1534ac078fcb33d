package chartcheck

import (
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

var byDigestRE = regexp.MustCompile(`^[a-z0-9./:_-]+@sha256:[0-9a-f]{64}$`)

// allContainers are the init (sidecar) and main containers of a pod spec.
func allContainers(spec corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
}

// TestProdImagesPinned: with image.digestRequired (prod.yaml) every image
// of every pod the release creates, sidecars and the helm test pod
// included, is pulled by digest: org-app's from the release, the sidecars'
// from app-values -resolve-digests.
func TestProdImagesPinned(t *testing.T) {
	res := render(t, prodFiles(t), "image.digest="+testDigest)
	want := map[string]string{
		"Deployment/org-app/org-app":           "123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app@" + testDigest,
		"Deployment/org-app/fluent-bit":        "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/aws-observability/aws-for-fluent-bit@" + fluentBitDigest,
		"Deployment/org-app/adot-collector":    "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/aws-observability/aws-otel-collector@" + adotDigest,
		"Deployment/org-app-canary/canary":     "123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app@" + testDigest,
		"Deployment/org-app-canary/fluent-bit": "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/aws-observability/aws-for-fluent-bit@" + fluentBitDigest,
		"Pod/org-app-test-canary/canary":       "123456789012.dkr.ecr.us-east-1.amazonaws.com/org-app@" + testDigest,
	}
	got := map[string]string{}
	for key, pt := range podTemplates(res) {
		for _, c := range allContainers(pt.Spec) {
			got[key+"/"+c.Name] = c.Image
			if !byDigestRE.MatchString(c.Image) {
				t.Errorf("%s/%s runs %q: not pinned by digest", key, c.Name, c.Image)
			}
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s image %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("containers %v, want exactly %v", got, want)
	}
}

// TestSidecarDigestRequired: with image.digestRequired, an enabled sidecar
// whose image has no digest stops the install with a message naming the
// value and how to pass it; a disabled one does not need a digest.
func TestSidecarDigestRequired(t *testing.T) {
	base := []string{"image.digest=" + testDigest}
	for _, c := range []struct {
		name string
		set  []string
		want []string // in the error; none: renders
	}{
		{"both sidecars by tag", nil, []string{"fluentBit.image.digest is required when image.digestRequired is true", "--set fluentBit.image.digest=sha256:", "-resolve-digests"}},
		{"ADOT by tag", []string{"fluentBit.image.digest=" + fluentBitDigest}, []string{"adot.image.digest is required", "aws-otel-collector:v0.49.0", "--set adot.image.digest=sha256:"}},
		{"Fluent Bit by tag", []string{"adot.image.digest=" + adotDigest}, []string{"fluentBit.image.digest is required", "aws-for-fluent-bit:3.4.16"}},
		{"only the canary's Fluent Bit on, by tag", []string{"adot.image.digest=" + adotDigest, "fluentBit.enabled=false"}, []string{"fluentBit.image.digest is required"}},
		{"ADOT off needs no digest", []string{"fluentBit.image.digest=" + fluentBitDigest, "adot.enabled=false"}, nil},
		{"every Fluent Bit off needs no digest", []string{"adot.image.digest=" + adotDigest, "fluentBit.enabled=false", "canary.fluentBit.enabled=false"}, nil},
		{"a canary image of its own by tag", []string{"fluentBit.image.digest=" + fluentBitDigest, "adot.image.digest=" + adotDigest,
			"canary.image.repository=123456789012.dkr.ecr.us-east-1.amazonaws.com/canary", "canary.image.tag=v1"}, []string{"canary.image.digest is required", "--set canary.image.digest=sha256:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := renderErr(unpinnedProdFiles(t), append(append([]string{}, base...), c.set...)...)
			switch {
			case len(c.want) == 0 && err != nil:
				t.Errorf("refused: %v", err)
			case len(c.want) > 0 && err == nil:
				t.Error("rendered with a sidecar image by tag")
			}
			for _, w := range c.want {
				if err != nil && !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestSidecarTagsWithoutDigestRequired: local and e2e installs (no
// digestRequired) keep running the sidecars and org-app by tag.
func TestSidecarTagsWithoutDigestRequired(t *testing.T) {
	res := render(t, []string{localValues}, "image.tag=e2e", "fluentBit.enabled=true", "adot.enabled=true",
		"fluentBit.logGroupName=/org-app/local/app", "adot.logGroupName=/org-app/local/metrics", "aws.region=us-east-1")
	spec := podTemplates(res)["Deployment/org-app"].Spec
	for name, want := range map[string]string{
		"org-app":        "ko.local/org-app:e2e",
		"fluent-bit":     "public.ecr.aws/aws-observability/aws-for-fluent-bit:3.4.16",
		"adot-collector": "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0",
	} {
		if got := container(t, spec, name).Image; got != want {
			t.Errorf("%s image %q, want %q", name, got, want)
		}
	}
}
