// Package chartcheck holds the tests of the Helm charts and platform values in
// deploy/: they render with the Helm SDK (internal/chartrender), decode every
// object strictly, evaluate every pod template against Pod Security
// "restricted", and assert the invariants the charts promise (see
// orgapp_test.go and platform_test.go). It has no non-test code.
package chartcheck
