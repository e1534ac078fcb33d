// Package clientip finds the client address of a request, trusting
// X-Forwarded-For only when the request came through a trusted proxy.
package clientip

import (
	"net"
	"net/netip"
	"strings"
)

// Resolver knows which peers are trusted proxies (the in-cluster gateway,
// the load balancer subnets).
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a Resolver trusting the given networks. With none, the peer
// address is always the client.
func New(trusted []netip.Prefix) Resolver { return Resolver{trusted: trusted} }

// ClientAddr returns the client's address. It starts from the peer
// (remoteAddr, "ip:port") and, while the hop it is looking at is a trusted
// proxy, steps one entry left in X-Forwarded-For. It never trusts an entry
// that a trusted proxy did not append itself.
func (r Resolver) ClientAddr(remoteAddr string, forwardedFor []string) string {
	peer := hostOnly(remoteAddr)
	addr, err := netip.ParseAddr(peer)
	if err != nil || len(r.trusted) == 0 || !r.isTrusted(addr) {
		return peer
	}
	hops := splitHops(forwardedFor)
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hostOnly(hops[i]))
		if err != nil {
			// Garbage in the chain: the last trusted hop is the best we know.
			return addr.String()
		}
		addr = a.Unmap()
		if !r.isTrusted(addr) {
			return addr.String()
		}
	}
	return addr.String()
}

func (r Resolver) isTrusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func splitHops(headers []string) []string {
	var hops []string
	for _, h := range headers {
		for part := range strings.SplitSeq(h, ",") {
			if part = strings.TrimSpace(part); part != "" {
				hops = append(hops, part)
			}
		}
	}
	return hops
}

// hostOnly strips a port and IPv6 brackets: "[::1]:80" -> "::1", "1.2.3.4:5" -> "1.2.3.4".
func hostOnly(s string) string {
	if host, _, err := net.SplitHostPort(s); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
}
