// Package buildinfo carries the version stamp the linker writes into the
// binary (-ldflags "-X ...") and the Go toolchain that built it.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set by the linker; see the Makefile and deploy/Dockerfile.
var (
	Version   = "dev"
	Commit    = "unknown"
	BuildTime = "unknown"
)

// Info describes one build of a program.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildTime string `json:"build_time"`
	GoVersion string `json:"go_version"`
}

// Get returns the build stamp. When the binary was built without -ldflags
// (go run, go test), the VCS revision recorded by the go command is used.
func Get() Info {
	info := Info{Version: Version, Commit: Commit, BuildTime: BuildTime, GoVersion: runtime.Version()}
	if info.Commit != "unknown" {
		return info
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.time":
				if info.BuildTime == "unknown" {
					info.BuildTime = s.Value
				}
			}
		}
	}
	return info
}
