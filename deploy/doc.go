// Package deploy holds what operators deploy ogcard with, and the tests
// that keep it true to the binary: the Helm chart (helm/ogcard), the nginx
// CDN rules (nginx/cdn.conf) and the files compose.yaml mounts (compose/);
// the Dockerfile and compose.yaml are at the repository root.
//
// The package has no code, only tests:
//
//   - docker_test.go reads the Dockerfile and compose.yaml and checks the
//     essentials (non-root user, health check, data volume, read-only
//     root) and that every command, flag and OGCARD_* variable they use
//     exists in the binary.
//   - helm_test.go renders the chart with helm template and checks probes,
//     ports, args and env names against the binary's own flags.
//   - configmap_test.go mounts layouts the way kubelet mounts a ConfigMap
//     and checks that a running serve reloads them when the folder swaps.
//   - cdn_test.go runs nginx with nginx/cdn.conf in front of two ogcard
//     serve processes sharing one versitygw bucket.
//
// The flags and variables are read from `ogcard serve -h` and `ogcard
// warm -h` of a binary built once per test run, so a renamed flag fails
// here, not in a cluster. Tests that need helm, nginx or versitygw skip
// without them locally and fail without them when CI is set.
package deploy
