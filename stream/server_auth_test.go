package stream

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// serve starts srv on a loopback port and returns its base URL.
func serve(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer(ln.Addr().String())
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, url, bearer string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestServerToken: with a token every route refuses a request without it
// or with a wrong one, and serves one that gives it as ?token= or Bearer.
func TestServerToken(t *testing.T) {
	base := serve(t, NewServer(func() Stats { return Stats{} }, "s3cret", 4))
	for _, path := range []string{"/", "/metrics", "/stream.mjpg", "/detections"} {
		for _, c := range []struct {
			query, bearer string
			want          int
		}{
			{"", "", http.StatusUnauthorized},
			{"?token=wrong", "", http.StatusUnauthorized},
			{"", "s3cre", http.StatusUnauthorized},
			{"?token=s3cret", "", http.StatusOK},
			{"", "s3cret", http.StatusOK},
		} {
			resp := get(t, base+path+c.query, c.bearer)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("GET %s%s (bearer %q): %d, want %d", path, c.query, c.bearer, resp.StatusCode, c.want)
			}
		}
	}
}

// TestServerClientCap: past the cap a stream is refused with 503, and a
// slot frees when a client leaves.
func TestServerClientCap(t *testing.T) {
	srv := NewServer(func() Stats { return Stats{} }, "", 2)
	base := serve(t, srv)
	a, b := get(t, base+"/stream.mjpg", ""), get(t, base+"/detections", "")
	for _, r := range []*http.Response{a, b} {
		if r.StatusCode != http.StatusOK {
			t.Fatalf("stream within the cap: %d", r.StatusCode)
		}
	}
	third := get(t, base+"/detections", "")
	third.Body.Close()
	if third.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third stream with a cap of 2: %d, want 503", third.StatusCode)
	}
	page := get(t, base+"/", "")
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		t.Errorf("the page (not a stream) with streams at the cap: %d", page.StatusCode)
	}
	a.Body.Close()
	for srv.clients.Load() > 1 {
		time.Sleep(time.Millisecond)
	}
	again := get(t, base+"/stream.mjpg", "")
	defer again.Body.Close()
	if again.StatusCode != http.StatusOK {
		t.Fatalf("stream after a client left: %d", again.StatusCode)
	}
	b.Body.Close()
}

// TestServerTimeouts: the preview's http.Server has every timeout set, so a
// client that opens connections and sends nothing cannot hold them.
func TestServerTimeouts(t *testing.T) {
	srv := NewServer(func() Stats { return Stats{} }, "", 1)
	defer srv.Close()
	hs := srv.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Fatalf("timeouts: header %v, read %v, write %v, idle %v", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout)
	}
}
