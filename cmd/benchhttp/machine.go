package main

import (
	"bufio"
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// Machine is what the report says about where it ran.
type Machine struct {
	CPUs     int    // what nproc says
	CPU      string // model name from /proc/cpuinfo
	MemGiB   float64
	Kernel   string
	Go       string // this tool's Go (the FileServer ceiling runs on it)
	ServerGo string // the Go the server binary was built with
	Server   string // its "version" output
}

func machineInfo(bin string) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), CPU: procField("/proc/cpuinfo", "model name")}
	if k, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = runtime.GOOS + " " + strings.TrimSpace(string(k))
	} else {
		m.Kernel = runtime.GOOS
	}
	if kb, err := strconv.ParseFloat(strings.Fields(procField("/proc/meminfo", "MemTotal") + " 0")[0], 64); err == nil {
		m.MemGiB = kb / (1 << 20)
	}
	if bi, err := buildinfo.ReadFile(bin); err == nil {
		m.ServerGo = bi.GoVersion
	}
	if out, err := exec.Command(bin, "version").Output(); err == nil {
		m.Server = strings.TrimSpace(string(out))
	}
	return m
}

// procField is the value of the first "key: value" line of a /proc file.
func procField(file, key string) string {
	f, err := os.Open(file)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func (m Machine) String() string {
	return fmt.Sprintf("%d cores (nproc), %s, %.0f GiB, %s", m.CPUs, m.CPU, m.MemGiB, m.Kernel)
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
