package netguard_test

import (
	"net/netip"
	"testing"

	"github.com/reelpost/reelpost/internal/netguard"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip   string
		want netguard.Class
	}{
		{"8.8.8.8", netguard.Public},
		{"93.184.215.14", netguard.Public},
		{"100.63.255.255", netguard.Public},
		{"100.128.0.0", netguard.Public},
		{"172.32.0.1", netguard.Public},
		{"2606:4700:4700::1111", netguard.Public},
		{"::ffff:8.8.8.8", netguard.Public},
		{"64:ff9b::808:808", netguard.Public}, // NAT64 of 8.8.8.8: IPv6-only hosts reach the web so

		{"0.0.0.0", netguard.Unspecified},
		{"0.1.2.3", netguard.Unspecified},
		{"::", netguard.Unspecified},
		{"127.0.0.1", netguard.Loopback},
		{"127.255.0.9", netguard.Loopback},
		{"::1", netguard.Loopback},
		{"10.0.0.5", netguard.Private},
		{"172.16.0.1", netguard.Private},
		{"172.31.255.255", netguard.Private},
		{"192.168.1.1", netguard.Private},
		{"fc00::1", netguard.UniqueLocal},
		{"fd12:3456::1", netguard.UniqueLocal},
		{"fd00:ec2::254", netguard.UniqueLocal}, // AWS's IPv6 metadata service
		{"169.254.169.254", netguard.LinkLocal},
		{"169.254.0.1", netguard.LinkLocal},
		{"fe80::1", netguard.LinkLocal},
		{"fe80::1%eth0", netguard.LinkLocal},
		{"febf::1", netguard.LinkLocal},
		{"100.64.0.1", netguard.CarrierGradeNAT},
		{"100.127.255.254", netguard.CarrierGradeNAT},
		{"224.0.0.1", netguard.Multicast},
		{"239.255.255.250", netguard.Multicast},
		{"ff02::1", netguard.Multicast},
		{"255.255.255.255", netguard.Broadcast},
		{"240.0.0.1", netguard.Reserved},
		{"::7f00:1", netguard.Reserved}, // IPv4-compatible 127.0.0.1
		{"100::1", netguard.Reserved},   // discard prefix

		// IPv4-mapped, NAT64 and 6to4 forms are what they carry.
		{"::ffff:127.0.0.1", netguard.Loopback},
		{"::ffff:10.0.0.5", netguard.Private},
		{"::ffff:169.254.169.254", netguard.LinkLocal},
		{"::ffff:100.64.0.1", netguard.CarrierGradeNAT},
		{"::ffff:0.0.0.0", netguard.Unspecified},
		{"::ffff:255.255.255.255", netguard.Broadcast},
		{"::ffff:224.0.0.1", netguard.Multicast},
		{"64:ff9b::7f00:1", netguard.Loopback},
		{"64:ff9b::a9fe:a9fe", netguard.LinkLocal},
		{"2002:a00:5::1", netguard.Private},
		{"2002:808:808::1", netguard.Public},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			t.Parallel()
			if got := netguard.Classify(netip.MustParseAddr(tt.ip)); got != tt.want {
				t.Errorf("Classify(%s) = %s, want %s", tt.ip, got, tt.want)
			}
		})
	}
}
