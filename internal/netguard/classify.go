package netguard

import (
	"net/netip"
)

// Class says what kind of address an IP is, as far as fetching a URL a feed
// item handed us is concerned: Public is fetched, every other class is
// refused unless the guard is told otherwise.
type Class int

const (
	// Public is any address not in one of the classes below.
	Public Class = iota
	// Unspecified is 0.0.0.0/8 ("this network") and ::; connecting to
	// 0.0.0.0 reaches the local host on Linux.
	Unspecified
	// Loopback is 127.0.0.0/8 and ::1.
	Loopback
	// Private is RFC 1918: 10/8, 172.16/12, 192.168/16.
	Private
	// UniqueLocal is IPv6's private range, fc00::/7 (RFC 4193).
	UniqueLocal
	// LinkLocal is 169.254/16 (where cloud metadata services answer, at
	// 169.254.169.254) and fe80::/10.
	LinkLocal
	// CarrierGradeNAT is 100.64/10 (RFC 6598), inside a provider's network
	// and, in some clouds and VPNs (Tailscale), the operator's own hosts.
	CarrierGradeNAT
	// Multicast is 224/4 and ff00::/8.
	Multicast
	// Broadcast is 255.255.255.255.
	Broadcast
	// Reserved is IPv4's 240/4 and IPv6 outside 2000::/3 (global unicast)
	// not named above, IPv4-compatible ::a.b.c.d included: nothing a
	// public web server lives at.
	Reserved
)

// String is the class's name as logged ("class" key).
func (c Class) String() string {
	switch c {
	case Public:
		return "public"
	case Unspecified:
		return "unspecified"
	case Loopback:
		return "loopback"
	case Private:
		return "private"
	case UniqueLocal:
		return "unique-local"
	case LinkLocal:
		return "link-local"
	case CarrierGradeNAT:
		return "carrier-grade NAT"
	case Multicast:
		return "multicast"
	case Broadcast:
		return "broadcast"
	case Reserved:
		return "reserved"
	}
	return "unknown"
}

// article is "a" or "an" for the class's name in a sentence.
func (c Class) article() string {
	switch c {
	case Unspecified:
		return "an"
	}
	return "a"
}

var (
	carrierGradeNAT = netip.MustParsePrefix("100.64.0.0/10")
	globalUnicast6  = netip.MustParsePrefix("2000::/3")
	// IPv6 prefixes that carry an IPv4 address a gateway will connect to:
	// NAT64's well-known prefix (RFC 6052; the address is in the last 32
	// bits) and 6to4 (RFC 3056; bits 16-47). 64:ff9b::a00:5 reaches
	// 10.0.0.5 through a NAT64 gateway, so it is as private as 10.0.0.5.
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	broadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

// Classify says which class ip is in. IPv4-mapped IPv6 (::ffff:10.0.0.5),
// NAT64 and 6to4 forms are classed as the IPv4 address they carry; a zone
// (fe80::1%eth0) is ignored.
func Classify(ip netip.Addr) Class {
	ip = ip.WithZone("").Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip):
			return Classify(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(ip):
			return Classify(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	switch {
	case !ip.IsValid():
		return Reserved
	case ip.IsUnspecified() || (ip.Is4() && ip.As4()[0] == 0):
		return Unspecified
	case ip.IsLoopback():
		return Loopback
	case ip.IsMulticast():
		return Multicast
	case ip.IsLinkLocalUnicast():
		return LinkLocal
	case ip.IsPrivate() && ip.Is4():
		return Private
	case ip.IsPrivate():
		return UniqueLocal
	case carrierGradeNAT.Contains(ip):
		return CarrierGradeNAT
	case ip == broadcast:
		return Broadcast
	case ip.Is4() && ip.As4()[0] >= 240:
		return Reserved
	case ip.Is6() && !globalUnicast6.Contains(ip):
		return Reserved
	}
	return Public
}
