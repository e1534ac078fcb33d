package chartrender

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
)

func TestDecodeStrict(t *testing.T) {
	ok := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: 2\n"
	obj, err := DecodeStrict([]byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if d, isDep := obj.Typed.(*appsv1.Deployment); !isDep || *d.Spec.Replicas != 2 || obj.Key() != "Deployment/a" {
		t.Errorf("decoded %T %+v", obj.Typed, obj)
	}
	for name, c := range map[string]struct{ doc, want string }{
		"unknown field":   {"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replica: 2\n", `unknown field "spec.replica"`},
		"wrong case":      {"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  Replicas: 2\n", `unknown field "spec.Replicas"`},
		"duplicate key":   {"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", "already set"},
		"wrong type":      {"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: two\n", "Deployment a"},
		"unknown kind":    {"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: a\n", "no Go type registered"},
		"no name":         {"apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "without metadata.name"},
		"unknown TGB key": {"apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata:\n  name: a\nspec:\n  vpcId: vpc-1\n  serviceRef: {name: s, port: 80}\n", `unknown field "spec.vpcId"`},
	} {
		if _, err := DecodeStrict([]byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, c.want)
		}
	}
}

func TestDecodeSplitsDocuments(t *testing.T) {
	objs, err := Decode("# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# only a comment\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].Source != "c/templates/a.yaml" || objs[1].Key() != "ServiceAccount/b" || !objs[1].Hook {
		t.Errorf("decoded %+v", objs)
	}
}

// A short commit id of digits only is a valid image tag: --set would make
// it a number, which the chart's schema refuses; --set-string keeps it a
// string. Later assignments win, as in helm.
func TestValuesWithStringsKeepsDigitTagsStrings(t *testing.T) {
	vals, err := ValuesWithStrings(nil, []string{"image.repository=ko.local/org-app", "image.tag=v1"}, []string{"image.tag=3072827"})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := vals["image"].(map[string]any)
	if tag, ok := img["tag"].(string); !ok || tag != "3072827" || img["repository"] != "ko.local/org-app" {
		t.Errorf("image values %#v: want tag the string \"3072827\"", img)
	}
	vals, err = Values(nil, []string{"image.tag=3072827"})
	if err != nil {
		t.Fatal(err)
	}
	if _, isString := vals["image"].(map[string]any)["tag"].(string); isString {
		t.Error("--set kept a digits-only value a string: ValuesWithStrings would not be needed")
	}
}
