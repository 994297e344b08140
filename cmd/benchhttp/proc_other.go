//go:build !linux

package main

import (
	"os"
	"syscall"
)

// The benchmark targets Linux (it reads /proc for the machine); elsewhere
// it signals the child alone, which is enough for the servers it runs.
func procAttr() *syscall.SysProcAttr { return nil }

func signalGroup(p *os.Process, sig syscall.Signal) {
	if err := p.Signal(sig); err != nil {
		_ = p.Kill()
	}
}
