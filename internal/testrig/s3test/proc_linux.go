package s3test

import "syscall"

// sysProcAttr has the kernel kill the server if the test binary dies
// without running its cleanups (a test timeout panics the binary), so no
// orphaned server keeps a port and a temp dir. Pdeathsig follows the OS
// thread that started the child, which the Go runtime keeps alive unless
// a goroutine exits while locked to it; nothing here does that.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
