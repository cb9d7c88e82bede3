// Package cgroup puts a test's child process under a memory limit, the
// way a container runtime does, so that a test can check how a process
// behaves inside a container's limit.
//
// The group is created as a child of the test's own cgroup, so whatever
// already limits the test keeps limiting the child. Both hierarchies are
// handled: cgroup v2 (memory.max, memory.events, memory.peak) and cgroup
// v1's memory controller (memory.limit_in_bytes, memory.oom_control,
// memory.max_usage_in_bytes). Creating a group needs root and a writable
// cgroup file system; on v2 the memory controller must also be available
// to the test's own group. When the machine cannot, [New] returns an
// error wrapping [ErrUnsupported], for the test to skip.
//
// Concurrency: a [Group] is used by one test; its methods only read files.
package cgroup
