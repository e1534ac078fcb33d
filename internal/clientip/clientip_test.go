package clientip

import (
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := New([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")})
	tests := []struct {
		name   string
		r      Resolver
		remote string
		xff    []string
		want   string
	}{
		{"no proxies configured ignores XFF", New(nil), "10.1.2.3:5555", []string{"203.0.113.9"}, "10.1.2.3"},
		{"untrusted peer ignores XFF", proxies, "198.51.100.7:443", []string{"203.0.113.9"}, "198.51.100.7"},
		{"trusted peer, one hop", proxies, "10.1.2.3:5555", []string{"203.0.113.9"}, "203.0.113.9"},
		{"spoofed leftmost entry is skipped", proxies, "10.1.2.3:5555", []string{"1.1.1.1, 203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"several headers", proxies, "10.1.2.3:5555", []string{"1.1.1.1", "203.0.113.9"}, "203.0.113.9"},
		{"all hops trusted", proxies, "10.1.2.3:5555", []string{"10.4.4.4"}, "10.4.4.4"},
		{"garbage hop stops the walk", proxies, "10.1.2.3:5555", []string{"203.0.113.9, not-an-ip"}, "10.1.2.3"},
		{"IPv6 loopback proxy", proxies, "[::1]:8080", []string{"2001:db8::1"}, "2001:db8::1"},
		{"hop with port", proxies, "10.1.2.3:5555", []string{"203.0.113.9:1234"}, "203.0.113.9"},
		{"IPv4-mapped peer", proxies, "[::ffff:10.1.2.3]:80", []string{"203.0.113.9"}, "203.0.113.9"},
		{"no XFF from trusted peer", proxies, "10.1.2.3:5555", nil, "10.1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.ClientAddr(tt.remote, tt.xff); got != tt.want {
				t.Errorf("ClientAddr(%q, %q) = %q, want %q", tt.remote, tt.xff, got, tt.want)
			}
		})
	}
}

func FuzzClientAddr(f *testing.F) {
	r := New([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
	f.Add("10.0.0.1:1", "1.2.3.4, 10.0.0.2")
	f.Add("[::1]:1", "")
	f.Add("garbage", ",,,")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		got := r.ClientAddr(remote, []string{xff})
		peer, err := netip.ParseAddr(hostOnly(remote))
		if (err != nil || !r.isTrusted(peer)) && got != hostOnly(remote) {
			t.Fatalf("untrusted peer %q: X-Forwarded-For %q was believed (got %q)", remote, xff, got)
		}
	})
}
