// Package version says which reelpost this is, from the build information
// the Go toolchain embeds (module version, or VCS revision).
package version

import (
	"runtime/debug"
	"sync"
)

// ProjectURL is where a site owner who sees our User-Agent can read about us.
const ProjectURL = "https://github.com/reelpost/reelpost"

// override is set by -ldflags "-X github.com/reelpost/reelpost/internal/version.override=v1.2.3".
var override string

var get = sync.OnceValue(func() string {
	if override != "" {
		return override
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		return "devel-" + rev + dirty
	}
	return "devel"
})

// Version is reelpost's version.
func Version() string { return get() }

// UserAgent is the honest User-Agent every request carries.
func UserAgent() string { return "reelpost/" + Version() + " (+" + ProjectURL + ")" }
