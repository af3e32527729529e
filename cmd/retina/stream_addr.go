package main

import (
	"net"
	"strconv"
)

// previewAddr resolves --http: a bare PORT or :PORT binds the loopback
// interface only (the preview shows the camera: exposing it must be asked
// for with a host, e.g. 0.0.0.0:8080).
func previewAddr(spec string) (string, error) {
	if _, err := strconv.ParseUint(spec, 10, 16); err == nil {
		spec = ":" + spec
	}
	host, port, err := net.SplitHostPort(spec)
	if err != nil {
		return "", usagef("--http %q: want PORT, :PORT or HOST:PORT, e.g. 127.0.0.1:8080", spec)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || (n == 0 && port != "0") {
		return "", usagef("--http %q: port %q is not a number from 0 to 65535", spec, port)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// isLoopback tells whether a resolved preview address is reachable from
// this machine only.
func isLoopback(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
