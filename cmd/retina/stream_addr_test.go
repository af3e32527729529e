package main

import "testing"

func TestPreviewAddr(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"8080", "127.0.0.1:8080"},
		{":8080", "127.0.0.1:8080"},
		{"127.0.0.1:0", "127.0.0.1:0"},
		{"0.0.0.0:8080", "0.0.0.0:8080"},
		{"[::1]:9000", "[::1]:9000"},
		{"localhost:80", "localhost:80"},
	} {
		got, err := previewAddr(c.spec)
		if err != nil || got != c.want {
			t.Errorf("previewAddr(%q) = %q, %v; want %q", c.spec, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "host", "1.2.3.4:http", ":70000", "a:b:c"} {
		if got, err := previewAddr(bad); err == nil {
			t.Errorf("previewAddr(%q) = %q, want an error", bad, got)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true,
		"0.0.0.0:8080": false, "192.168.1.5:80": false, "[::]:80": false, "example.org:80": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
