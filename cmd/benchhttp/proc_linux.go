package main

import (
	"os"
	"syscall"
)

// procAttr puts the child in a process group of its own (see child) and
// has the kernel kill it if we die without stopping it (kill -9): no
// server is left holding a port after a crashed run.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func signalGroup(p *os.Process, sig syscall.Signal) {
	_ = syscall.Kill(-p.Pid, sig)
}
