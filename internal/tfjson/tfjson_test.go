package tfjson_test

import (
	"strings"
	"testing"

	"github.com/k8s-cluster-infra/k8s-cluster-infra/internal/tfjson"
)

const state = `{"format_version":"1.0","values":{"outputs":{"egress":{"value":false}},"root_module":{
 "resources":[{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"id":"vpc-1","cidr_block":"10.0.0.0/16"}}],
 "child_modules":[{"address":"module.x","resources":[
   {"address":"module.x.aws_subnet.s[\"us-east-1a\"]","mode":"managed","type":"aws_subnet","name":"s","index":"us-east-1a","values":{"id":"subnet-1","map_public_ip_on_launch":false}},
   {"address":"module.x.data.aws_region.r","mode":"data","type":"aws_region","name":"r","values":{"region":"us-east-1"}}],
  "child_modules":[{"address":"module.x.module.y","resources":[
   {"address":"module.x.module.y.aws_instance.i[1]","mode":"managed","type":"aws_instance","name":"i","index":1,"values":{"id":"i-1"}}]}]}]}}}`

func TestDecodeState(t *testing.T) {
	doc, err := tfjson.Decode(strings.NewReader(state))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind != tfjson.KindState || len(doc.Resources) != 4 || doc.Outputs["egress"] != false {
		t.Fatalf("doc: %+v", doc)
	}
	byAddr := map[string]tfjson.Resource{}
	for _, r := range doc.Resources {
		byAddr[r.Address] = r
	}
	i := byAddr["module.x.module.y.aws_instance.i[1]"]
	if i.Module != "module.x.module.y" || i.Index != 1 || i.Str("id") != "i-1" {
		t.Errorf("nested module resource: %+v", i)
	}
	s := byAddr[`module.x.aws_subnet.s["us-east-1a"]`]
	if v, ok := s.Bool("map_public_ip_on_launch"); !ok || v {
		t.Errorf("bool accessor: %v %v", v, ok)
	}
	if byAddr["module.x.data.aws_region.r"].Mode != "data" {
		t.Error("data sources are kept")
	}
}

func TestDecodePlanRecordsUnknowns(t *testing.T) {
	plan := `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
	  {"address":"aws_subnet.s","mode":"managed","type":"aws_subnet","name":"s","values":{"cidr_block":"10.0.1.0/24"}}]}},
	  "variables":{"app_internet_egress":{"value":true}},
	  "resource_changes":[{"address":"aws_subnet.s","change":{"actions":["create"],"after_unknown":{"id":true,"vpc_id":true,"tags":{}}}}]}`
	doc, err := tfjson.Decode(strings.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	r := doc.Resources[0]
	if doc.Kind != tfjson.KindPlan || !r.IsUnknown("id") || !r.IsUnknown("vpc_id") || r.IsUnknown("tags") || r.IsUnknown("cidr_block") {
		t.Errorf("plan: kind %s unknown %v", doc.Kind, r.Unknown)
	}
	if doc.Variables["app_internet_egress"] != true {
		t.Errorf("variables: %v", doc.Variables)
	}
}

func TestDecodeRawState(t *testing.T) {
	raw := `{"version":4,"terraform_version":"1.12.6","outputs":{"o":{"value":"v"}},"resources":[
	  {"module":"module.net","mode":"managed","type":"aws_subnet","name":"s","instances":[
	    {"index_key":"a","attributes":{"id":"subnet-1"}},{"index_key":"b","attributes":{"id":"subnet-2"}}]},
	  {"mode":"data","type":"aws_region","name":"r","instances":[{"attributes":{"region":"us-east-1"}}]}]}`
	doc, err := tfjson.Decode(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, r := range doc.Resources {
		addrs = append(addrs, r.Address)
	}
	want := `data.aws_region.r module.net.aws_subnet.s["a"] module.net.aws_subnet.s["b"]`
	if doc.Kind != tfjson.KindRawState || strings.Join(addrs, " ") != want || doc.Outputs["o"] != "v" {
		t.Errorf("raw state: %s %v", doc.Kind, addrs)
	}
}

func TestDecodeErrors(t *testing.T) {
	for in, want := range map[string]string{
		`not json`:                       "not JSON",
		`{"format_version":"1.0"}`:       "state is empty",
		`{"something":"else"}`:           "not a state or plan",
		`{"values":{"root_module":null}`: "not JSON",
	} {
		_, err := tfjson.Decode(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
	if _, err := tfjson.ReadFile("testdata/does-not-exist.json"); err == nil {
		t.Error("missing file: want an error")
	}
}

func TestAccessors(t *testing.T) {
	if v, ok := tfjson.AsBool("true"); !ok || !v {
		t.Error(`AsBool("true")`)
	}
	if n, ok := tfjson.AsInt(443.0); !ok || n != 443 {
		t.Error("AsInt(443.0)")
	}
	if _, ok := tfjson.AsInt(1.5); ok {
		t.Error("AsInt(1.5) is not an int")
	}
	if got := tfjson.AsStrs([]any{"a", nil, "", "b"}); strings.Join(got, ",") != "a,b" {
		t.Errorf("AsStrs: %v", got)
	}
	if got := tfjson.AsObjs(map[string]any{"k": "v"}); len(got) != 1 {
		t.Error("AsObjs of one object")
	}
}
