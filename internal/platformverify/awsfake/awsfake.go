// Package awsfake serves recorded AWS API answers over HTTP on loopback so
// that the real aws-sdk-go-v2 clients — their serializers, deserializers,
// paginators and error handling — run in tests, pointed at it through
// BaseEndpoint (or AWS_ENDPOINT_URL_<SERVICE>).
//
// Answers are files under one directory:
//
//	ec2/<Action>.xml              EC2, query protocol (form POST, XML answer)
//	ec2/<Action>.<token>.xml      the page asked for with NextToken=<token>
//	elbv2/<Action>.xml            Elastic Load Balancing v2, query protocol
//	elbv2/<Action>.<marker>.xml   the page asked for with Marker=<marker>
//	eks/<path>.json               EKS, REST-JSON: GET /clusters → eks/clusters.json,
//	                              GET /clusters/web → eks/clusters/web.json
//
// A file whose first line is "HTTP <code>" answers with that status (the rest
// is the body), which is how AWS errors are recorded. Override replaces one
// answer with another file, so a test states only what differs from the
// healthy recording. Every request is logged for assertions.
package awsfake

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Services the server answers, as the first path element of its URL.
const (
	EC2   = "ec2"
	ELBv2 = "elbv2"
	EKS   = "eks"
)

// Request is one logged API call.
type Request struct {
	Service string
	Action  string     // query action, or "GET /clusters/x" for REST
	Params  url.Values // form parameters (query protocols) or URL query (REST)
}

// Server is a fake AWS endpoint for EC2, ELBv2 and EKS.
type Server struct {
	srv  *httptest.Server
	root *os.Root // the fixture directory: no answer is read from outside it

	mu        sync.Mutex
	overrides map[string]string
	requests  []Request
}

// New starts a server answering from dir; it stops when the test ends.
func New(t testing.TB, dir string) *Server {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatalf("awsfake: fixture directory: %v", err)
	}
	s := &Server{root: root, overrides: map[string]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.srv.Close()
		_ = root.Close()
	})
	return s
}

// URL is the base endpoint of a service (EC2, ELBv2 or EKS).
func (s *Server) URL(service string) string { return s.srv.URL + "/" + service }

// Override answers one recorded call from file, a path relative to the
// fixture directory. name is the recording's file name without its extension
// under the service's directory: "DescribeVpcs", "DescribeInstances.page2"
// (the page asked for with NextToken=page2), or for EKS "clusters/web".
func (s *Server) Override(service, name, file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides[service+"/"+name] = file
}

// Requests returns the logged calls of one service and action.
func (s *Server) Requests(service, action string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Service == service && r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	service, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	var (
		key, name, ext, contentType string
		params                      url.Values
	)
	switch service {
	case EC2, ELBv2:
		if r.Method != http.MethodPost {
			http.Error(w, "query protocol wants POST", http.StatusMethodNotAllowed)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		params = r.PostForm
		key = params.Get("Action")
		if key == "" || strings.ContainsAny(key, "./\\") {
			http.Error(w, "missing or bad Action", http.StatusBadRequest)
			return
		}
		name = key
		if tok := params.Get("NextToken") + params.Get("Marker"); tok != "" {
			name += "." + tok
		}
		ext, contentType = ".xml", "text/xml;charset=UTF-8"
	case EKS:
		if r.Method != http.MethodGet {
			http.Error(w, "only GET is recorded", http.StatusMethodNotAllowed)
			return
		}
		params = r.URL.Query()
		clean := path.Clean("/" + rest)
		if strings.Contains(clean, "..") {
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
		name = strings.TrimPrefix(clean, "/")
		if tok := params.Get("nextToken"); tok != "" {
			name += "." + tok
		}
		ext, contentType = ".json", "application/json"
		key = "GET " + clean
	default:
		http.Error(w, "unknown service "+service, http.StatusNotFound)
		return
	}

	s.mu.Lock()
	s.requests = append(s.requests, Request{Service: service, Action: key, Params: params})
	file := filepath.Join(service, filepath.FromSlash(name)) + ext
	if o, ok := s.overrides[service+"/"+name]; ok {
		file = o
	}
	s.mu.Unlock()

	body, err := s.root.ReadFile(file)
	if err != nil {
		http.Error(w, fmt.Sprintf("awsfake: no recorded answer for %s %s: %v", service, key, err), http.StatusNotImplemented)
		return
	}
	status := http.StatusOK
	if first, after, ok := bytes.Cut(body, []byte("\n")); ok && bytes.HasPrefix(first, []byte("HTTP ")) {
		code, err := strconv.Atoi(strings.TrimSpace(string(first[5:])))
		if err != nil {
			http.Error(w, "awsfake: bad status line in "+file, http.StatusInternalServerError)
			return
		}
		status, body = code, after
		if service == EKS {
			// REST-JSON errors name their type in a header.
			if typ := errorType(body); typ != "" {
				w.Header().Set("X-Amzn-Errortype", typ)
			}
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	// The body is a recorded AWS answer served to the SDK under test, with the
	// content type AWS uses (XML or JSON), never HTML to a browser.
	_, _ = w.Write(body) //nolint:gosec // G705: see above
}

// errorType reads "__type" from a REST-JSON error body without a JSON
// dependency on its shape.
func errorType(body []byte) string {
	_, after, ok := bytes.Cut(body, []byte(`"__type"`))
	if !ok {
		return ""
	}
	_, after, ok = bytes.Cut(after, []byte(`"`))
	if !ok {
		return ""
	}
	typ, _, _ := bytes.Cut(after, []byte(`"`))
	return string(typ)
}
