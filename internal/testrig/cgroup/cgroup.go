package cgroup

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrUnsupported says the machine cannot put a process under a memory
// limit: no cgroup file system, not root, or no memory controller.
var ErrUnsupported = errors.New("cannot create a memory-limited cgroup here")

// root is where the cgroup file systems are mounted.
const root = "/sys/fs/cgroup"

// Group is a cgroup with a memory limit.
type Group struct {
	dir string
	v2  bool
}

// New creates the group name under the test's own cgroup, limited to
// limit bytes of memory (swap included where the kernel accounts it).
func New(name string, limit int64) (*Group, error) {
	parent, v2, err := ownMemoryGroup()
	if err != nil {
		return nil, err
	}
	g := &Group{dir: filepath.Join(parent, name), v2: v2}
	if v2 {
		// The parent must hand the memory controller down; this fails
		// (and the test skips) when it has processes of its own.
		_ = os.WriteFile(filepath.Join(parent, "cgroup.subtree_control"), []byte("+memory"), 0)
	}
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if err := g.limit(limit); err != nil {
		g.Remove() //nolint:errcheck // the limit error is the one to report
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return g, nil
}

func (g *Group) limit(n int64) error {
	v := []byte(strconv.FormatInt(n, 10))
	if g.v2 {
		if err := os.WriteFile(filepath.Join(g.dir, "memory.max"), v, 0); err != nil {
			return err
		}
		_ = os.WriteFile(filepath.Join(g.dir, "memory.swap.max"), []byte("0"), 0) // absent without swap accounting
		return nil
	}
	if err := os.WriteFile(filepath.Join(g.dir, "memory.limit_in_bytes"), v, 0); err != nil {
		return err
	}
	_ = os.WriteFile(filepath.Join(g.dir, "memory.memsw.limit_in_bytes"), v, 0) // absent without swap accounting
	return nil
}

// ownMemoryGroup finds the folder of this process's memory cgroup.
func ownMemoryGroup() (dir string, v2 bool, err error) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return "", false, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	defer f.Close()
	var unified string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" && parts[0] == "0" {
			unified = parts[2]
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "memory" { // cgroup v1's memory controller
				return filepath.Join(root, "memory", parts[2]), false, nil
			}
		}
	}
	if unified != "" {
		if _, err := os.Stat(filepath.Join(root, "cgroup.controllers")); err == nil {
			return filepath.Join(root, unified), true, nil
		}
	}
	return "", false, fmt.Errorf("%w: no memory controller in /proc/self/cgroup", ErrUnsupported)
}

// Command is exec.Command for a process that joins the group before it
// starts (a shell writes its own pid into the group, then execs), so that
// the process reads its limit from its very first instruction.
func (g *Group) Command(name string, args ...string) *exec.Cmd {
	script := `echo $$ > "$0" && exec "$@"`
	return exec.Command("/bin/sh", append([]string{"-c", script, filepath.Join(g.dir, "cgroup.procs"), name}, args...)...)
}

// OOMKills is how many processes of the group the kernel killed for
// memory.
func (g *Group) OOMKills() (int, error) {
	file := "memory.oom_control"
	if g.v2 {
		file = "memory.events"
	}
	data, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, nil // an old kernel that does not count them
}

// Peak is the group's highest memory use, in bytes.
func (g *Group) Peak() (int64, error) {
	file := "memory.max_usage_in_bytes"
	if g.v2 {
		file = "memory.peak"
	}
	data, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
}

// Remove deletes the group; its processes must have exited.
func (g *Group) Remove() error { return os.Remove(g.dir) }
