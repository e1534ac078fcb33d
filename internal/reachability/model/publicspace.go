package model

import "net/netip"

// notPublic are the IPv4 ranges that are never internet addresses: private,
// shared (CGNAT), loopback, link-local, documentation, benchmarking,
// multicast and reserved.
var notPublic = mustPrefixes(
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
	"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// IsPublic reports whether ip is an internet address.
func IsPublic(ip netip.Addr) bool {
	if !ip.Is4() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// PublicRepresentatives returns one internet address for every distinct way
// the given CIDRs can classify an internet address: for each CIDR (and for
// 0.0.0.0/0) an address inside it but outside every smaller CIDR of the set.
// Every rule and route decision depends on an address only through which of
// those CIDRs contain it, so checking these addresses checks them all.
func PublicRepresentatives(mentioned []netip.Prefix) []netip.Addr {
	cands := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
	for _, m := range mentioned {
		if m.Addr().Is4() {
			cands = append(cands, m.Masked())
		}
	}
	seen := map[netip.Prefix]bool{}
	have := map[netip.Addr]bool{}
	var out []netip.Addr
	for _, c := range cands {
		if seen[c] {
			continue
		}
		seen[c] = true
		excl := append([]netip.Prefix(nil), notPublic...)
		for _, m := range cands {
			if m.Bits() > c.Bits() && c.Contains(m.Addr()) {
				excl = append(excl, m)
			}
		}
		if ip, ok := pickOutside(c, excl); ok && !have[ip] {
			have[ip] = true
			out = append(out, ip)
		}
	}
	return out
}

// pickOutside finds the lowest address of c that no prefix in excl holds.
func pickOutside(c netip.Prefix, excl []netip.Prefix) (netip.Addr, bool) {
	overlap := false
	for _, e := range excl {
		if e.Bits() <= c.Bits() && e.Contains(c.Addr()) {
			return netip.Addr{}, false // c lies wholly inside an exclusion
		}
		if e.Overlaps(c) {
			overlap = true
		}
	}
	if !overlap {
		return c.Addr(), true
	}
	if c.Bits() == 32 {
		return netip.Addr{}, false
	}
	lo := netip.PrefixFrom(c.Addr(), c.Bits()+1)
	if ip, ok := pickOutside(lo, excl); ok {
		return ip, true
	}
	hi := netip.PrefixFrom(addOffset(c.Addr(), uint32(1)<<(31-c.Bits())), c.Bits()+1)
	return pickOutside(hi, excl)
}
