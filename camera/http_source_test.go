package camera

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fastRetry keeps re-connection tests quick.
func fastRetry(events *eventLog) Options {
	return Options{ReopenMin: time.Millisecond, ReopenMax: 5 * time.Millisecond, OnEvent: events.add}
}

// fastStall is fastRetry with a stall timeout short enough for a quick
// test and long enough that a busy machine does not fake a stall.
func fastStall(events *eventLog) Options {
	o := fastRetry(events)
	o.StallTimeout = 500 * time.Millisecond
	return o
}

// serveParts writes frames as sized parts of boundary b.
func serveParts(w http.ResponseWriter, frames [][]byte) {
	w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
	writeSlowly(w, multipartBody(frames, partStyle{"--b", true, ""}, false))
}

// multipartServer serves body with the given Content-Type on every request,
// then ends the response (a dropped connection, to a live source).
func multipartServer(t *testing.T, contentType string, body []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		writeSlowly(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/stream.mjpg"
}

// writeSlowly writes in small flushed pieces so parts straddle reads.
func writeSlowly(w http.ResponseWriter, body []byte) {
	for i := 0; i < len(body); i += 700 {
		if _, err := w.Write(body[i:min(i+700, len(body))]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
}

type partStyle struct {
	boundaryLine  string
	contentLength bool
	between       string // bytes after each part's body
}

func multipartBody(frames [][]byte, st partStyle, closing bool) []byte {
	var b bytes.Buffer
	for _, f := range frames {
		b.WriteString(st.boundaryLine + "\r\nContent-Type: image/jpeg\r\n")
		if st.contentLength {
			fmt.Fprintf(&b, "content-length: %d\r\n", len(f))
		}
		b.WriteString("X-Timestamp: 1.5\r\n\r\n")
		b.Write(f)
		b.WriteString("\r\n" + st.between)
	}
	if closing {
		b.WriteString(st.boundaryLine + "--\r\n")
	}
	return b.Bytes()
}

// readFrames reads n frames, checking that their numbers run on.
func readFrames(t *testing.T, src Source, n int) [][]byte {
	t.Helper()
	var got [][]byte
	var first uint64
	for len(got) < n {
		r := awaitRead(t, readAsync(src))
		f := r.must(t)
		if len(got) == 0 {
			first = f.Seq
		}
		if f.Format != MJPEG || f.Width == 0 || f.Seq != first+uint64(len(got)) {
			t.Fatalf("frame %d: %v %dx%d seq %d", len(got), f.Format, f.Width, f.Height, f.Seq)
		}
		got = append(got, append([]byte(nil), f.Data...))
		f.Release()
	}
	return got
}

func openLiveT(t *testing.T, url string, opts Options) Source {
	t.Helper()
	src, err := Open(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// TestHTTPMultipart: the shapes of stream real cameras and servers send, each
// read twice over, since the server ends the response after one pass and the
// source re-connects.
func TestHTTPMultipart(t *testing.T) {
	frames := testJPEGs(4, 64, 48)
	preamble := "preamble to ignore\r\n"
	cases := []struct {
		name, contentType, preamble string
		style                       partStyle
	}{
		{"content-length", "multipart/x-mixed-replace; boundary=frame", preamble, partStyle{"--frame", true, ""}},
		{"scanning without length", "multipart/x-mixed-replace;boundary=frame", preamble, partStyle{"--frame", false, ""}},
		{"garbage between parts", `multipart/x-mixed-replace; boundary="frame"`, preamble, partStyle{"--frame", false, "noise\xff\xd9\r\n"}},
		{"garbage after sized parts", "multipart/x-mixed-replace; boundary=frame", preamble, partStyle{"--frame", true, "noise\r\n\r\n"}},
		{"boundary given with dashes", "multipart/x-mixed-replace; boundary=--myboundary", preamble, partStyle{"--myboundary", true, ""}},
		{"boundary lines without dashes", "multipart/x-mixed-replace; boundary=myboundary", preamble, partStyle{"myboundary", true, ""}},
		{"any multipart type", "multipart/mixed; boundary=b", preamble, partStyle{"--b", true, ""}},
		{"octet-stream (ffmpeg's server)", "application/octet-stream", "", partStyle{"--ffmpeg", true, ""}},
		{"octet-stream without lengths", "application/octet-stream", "\r\n", partStyle{"--ffmpeg", false, ""}},
		{"multipart without a boundary parameter", "multipart/x-mixed-replace", "", partStyle{"--b0undary", true, ""}},
		{"no Content-Type", "", "", partStyle{"--b", false, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := append([]byte(c.preamble), multipartBody(frames, c.style, true)...)
			events := newEventLog()
			src := openLiveT(t, multipartServer(t, c.contentType, body), fastRetry(events))
			got := readFrames(t, src, 2*len(frames))
			for i := range got {
				if !bytes.Equal(got[i], frames[i%len(frames)]) {
					t.Fatalf("frame %d differs", i)
				}
			}
			if st := statusOf(t, src); st.Reconnects < 1 || !st.Up {
				t.Errorf("status %+v, want up after a re-connection", st)
			}
			if e := events.waitFor(t, CameraDown); !strings.Contains(e.Err.Error(), "ended the stream") {
				t.Errorf("down event %v", e)
			}
		})
	}
}

// TestHTTPDropMidPart: the connection drops inside a part; the source logs
// it, re-connects and goes on numbering frames.
func TestHTTPDropMidPart(t *testing.T) {
	frames := testJPEGs(3, 32, 32)
	for _, sized := range []bool{true, false} {
		t.Run(fmt.Sprint("sized=", sized), func(t *testing.T) {
			full := multipartBody(frames, partStyle{"--b", sized, ""}, false)
			cut := full[:len(full)-len(frames[2])/2]
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
				if n.Add(1) == 1 {
					writeSlowly(w, cut)
					return
				}
				writeSlowly(w, full)
				<-r.Context().Done()
			}))
			t.Cleanup(srv.Close)
			events := newEventLog()
			src := openLiveT(t, srv.URL, fastRetry(events))
			got := readFrames(t, src, 5)
			want := [][]byte{frames[0], frames[1], frames[0], frames[1], frames[2]}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("frame %d differs", i)
				}
			}
			down := events.waitFor(t, CameraDown)
			if !errors.Is(down.Err, ErrTruncated) || !strings.HasPrefix(down.String(), "camera down: "+srv.URL+": ") {
				t.Errorf("down event %q, want ErrTruncated naming the URL", down)
			}
			back := events.waitFor(t, CameraBack)
			if !strings.HasPrefix(back.String(), "camera back after ") {
				t.Errorf("back event %q", back)
			}
			if st := statusOf(t, src); !st.Up || st.Reconnects != 1 || st.Err != "" {
				t.Errorf("status %+v", st)
			}
		})
	}
}

// TestHTTPDownAtStart: Open of an unreachable camera returns a source that
// keeps trying; frames come once the server is up.
func TestHTTPDownAtStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens now
	events := newEventLog()
	src := openLiveT(t, "http://"+addr+"/cam", fastRetry(events))
	down := events.waitFor(t, CameraDown)
	if !strings.Contains(down.String(), "camera down: http://"+addr+"/cam: ") || !strings.Contains(down.String(), "refused") {
		t.Errorf("down event %q", down)
	}
	if st := statusOf(t, src); st.Up || !strings.Contains(st.Err, "refused") {
		t.Errorf("status while down %+v", st)
	}
	pending := readAsync(src)

	frames := testJPEGs(2, 16, 16)
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
		writeSlowly(w, multipartBody(frames, partStyle{"--b", true, ""}, false))
		<-r.Context().Done()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	f := awaitRead(t, pending).must(t)
	if f.Seq != 0 || !bytes.Equal(f.Data, frames[0]) {
		t.Errorf("first frame seq %d", f.Seq)
	}
	f.Release()
	events.waitFor(t, CameraBack)
	if st := statusOf(t, src); !st.Up || st.Reconnects != 1 {
		t.Errorf("status %+v", st)
	}
}

// authServer serves frames to requests that check passes, answering others
// with 401 and the challenge; it records each request's Authorization.
func authServer(t *testing.T, challenge string, check func(r *http.Request) bool) (string, *[]string) {
	t.Helper()
	frames := testJPEGs(2, 16, 16)
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		if !check(r) {
			w.Header().Set("WWW-Authenticate", challenge)
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
		writeSlowly(w, multipartBody(frames, partStyle{"--b", true, ""}, false))
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &seen
}

func withUser(url, userinfo string) string {
	return strings.Replace(url, "http://", "http://"+userinfo+"@", 1)
}

func TestHTTPBasicAuth(t *testing.T) {
	url, seen := authServer(t, `Basic realm="cam"`, func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == "admin" && p == "s3cret:x"
	})
	events := newEventLog()
	src := openLiveT(t, withUser(url, "admin:s3cret%3Ax")+"/video", fastRetry(events))
	readFrames(t, src, 2)
	if len(*seen) != 2 || (*seen)[0] != "" {
		t.Errorf("Authorization headers %q: want none until the camera asks, then Basic", *seen)
	}
	if d := src.Describe(); strings.Contains(d, "s3cret") || !strings.Contains(d, "admin") {
		t.Errorf("Describe() = %q: the password must not show", d)
	}

	_, err := Open(withUser(url, "admin:wrong"), Options{})
	if err == nil || !strings.Contains(err.Error(), "refused the user and password") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong password: %v", err)
	}
	_, err = Open(url, Options{})
	if err == nil || !strings.Contains(err.Error(), "wants a user and password") {
		t.Errorf("no password: %v", err)
	}
}

// digestParams parses a Digest Authorization header, independently of the
// package's challenge parser.
func digestParams(h string) map[string]string {
	p := map[string]string{}
	rest, ok := strings.CutPrefix(h, "Digest ")
	if !ok {
		return p
	}
	for _, kv := range strings.Split(rest, ", ") {
		k, v, _ := strings.Cut(kv, "=")
		p[k] = strings.Trim(v, `"`)
	}
	return p
}

func TestHTTPDigestAuth(t *testing.T) {
	const realm, nonce, opaque = "cam@retina", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "5ccc069c403ebaf9f0171e9517f40e41"
	challenge := fmt.Sprintf(`Digest realm="%s", qop="auth,auth-int", nonce="%s", opaque="%s", algorithm=MD5`, realm, nonce, opaque)
	var nonces []string
	url, _ := authServer(t, challenge, func(r *http.Request) bool {
		p := digestParams(r.Header.Get("Authorization"))
		if p["username"] != "viewer" || p["realm"] != realm || p["nonce"] != nonce || p["opaque"] != opaque ||
			p["uri"] != r.URL.RequestURI() || p["qop"] != "auth" {
			return false
		}
		nonces = append(nonces, p["nc"])
		ha1 := md5hex("viewer:" + realm + ":pa ss")
		ha2 := md5hex(r.Method + ":" + p["uri"])
		return p["response"] == md5hex(ha1+":"+nonce+":"+p["nc"]+":"+p["cnonce"]+":auth:"+ha2)
	})
	src := openLiveT(t, withUser(url, "viewer:pa%20ss")+"/cam?res=hi", Options{})
	readFrames(t, src, 2)
	if len(nonces) != 1 || nonces[0] != "00000001" {
		t.Errorf("nonce counts %v", nonces)
	}
	if _, err := Open(withUser(url, "viewer:nope"), Options{}); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("wrong password: %v", err)
	}
}

// TestDigestResponseVectors: the worked examples of RFC 2617 section 3.5 and
// RFC 7616 section 3.9.1.
func TestDigestResponseVectors(t *testing.T) {
	cases := []struct {
		challenge, pass, cnonce, want string
	}{
		{`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			"Circle Of Life", "0a4f113b", "6629fae49393a05397450978507c4ef1"},
		{`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
			"Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "8ca523f5e9506fed4657c9700eebdbec"},
		{`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
			"Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	}
	for _, c := range cases {
		scheme, p := parseChallenge(c.challenge)
		if scheme != "Digest" {
			t.Fatalf("scheme %q", scheme)
		}
		if err := checkDigest(p); err != nil {
			t.Fatal(err)
		}
		h := digestResponse(p, "Mufasa", c.pass, "GET", "/dir/index.html", "00000001", c.cnonce)
		if got := digestParams(h)["response"]; got != c.want {
			t.Errorf("%s: response %s, want %s", p["realm"], got, c.want)
		}
	}
	if _, p := parseChallenge(`Digest realm="a", nonce="n", qop="auth-int"`); checkDigest(p) == nil {
		t.Error("qop auth-int alone was accepted")
	}
}

func TestHTTPBadResponses(t *testing.T) {
	jp := testJPEGs(1, 16, 16)
	cases := []struct {
		name, contentType string
		body              []byte
		want              string
	}{
		{"not multipart", "image/jpeg", jp[0], `Content-Type "image/jpeg" is not a multipart MJPEG stream`},
		{"octet-stream that is not MJPEG", "application/octet-stream", bytes.Repeat([]byte("x\n"), 100), "no boundary"},
	}
	for _, c := range cases {
		url := multipartServer(t, c.contentType, c.body)
		if _, err := Open(url, Options{}); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), url) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	if _, err := Open(srv.URL, Options{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	for _, bad := range []string{"http://", "http://[::1/x", "http:///path", "http://me:s3cret@[::1/x"} {
		if _, err := Open(bad, Options{}); err == nil || !strings.Contains(err.Error(), "bad URL") ||
			strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestHTTPBadPartsAreReported: faults inside a stream that worked are
// logged recoveries, not errors from Read.
func TestHTTPBadPartsAreReported(t *testing.T) {
	png := []byte("--b\r\nContent-Type: image/png\r\nContent-Length: 3\r\n\r\nabc\r\n")
	big := multipartBody(testJPEGs(1, 64, 64), partStyle{"--b", true, ""}, true)
	cases := []struct {
		name string
		body []byte
		max  int
		want func(error) bool
	}{
		{"png part", png, 0, func(err error) bool { return strings.Contains(err.Error(), "image/png") }},
		{"part too large", big, 100, func(err error) bool { return errors.Is(err, ErrFrameTooLarge) }},
	}
	for _, c := range cases {
		events := newEventLog()
		opts := fastRetry(events)
		opts.MaxFrameBytes = c.max
		src := openLiveT(t, multipartServer(t, "multipart/x-mixed-replace; boundary=b", c.body), opts)
		ctx, cancel := context.WithCancel(context.Background())
		go src.Read(ctx)
		if e := events.waitFor(t, CameraDown); !c.want(e.Err) {
			t.Errorf("%s: down event %v", c.name, e)
		}
		cancel()
	}
}

// TestHTTPCloseUnblocksRead: Close ends a Read waiting on a stalled server.
func TestHTTPCloseUnblocksRead(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
		w.Write([]byte("--b\r\n"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	defer close(release)
	src, err := Open(srv.URL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pending := readAsync(src)
	src.Close()
	if r := awaitRead(t, pending); r.err == nil {
		t.Fatal("Read returned a frame from a stalled stream")
	}
}

// TestHTTPStallKeepsTheConnection: a server that stops sending is a stall
// (logged, counted, down); while new connections are refused the source
// keeps the stalled one, and frames resume on it (a paused single-client
// server such as ffmpeg -listen 1 can only resume there).
func TestHTTPStallKeepsTheConnection(t *testing.T) {
	frames := testJPEGs(2, 16, 16)
	resume := make(chan struct{})
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) > 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		serveParts(w, frames[:1])
		select {
		case <-resume:
		case <-r.Context().Done():
			return
		}
		writeSlowly(w, multipartBody(frames[1:], partStyle{"--b", true, ""}, false))
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	events := newEventLog()
	src := openLiveT(t, srv.URL, fastStall(events))
	readFrames(t, src, 1)
	pending := readAsync(src)
	events.waitFor(t, CameraStalled)
	eventually(t, "re-connection attempts", func() bool { return requests.Load() >= 3 })
	st := statusOf(t, src)
	if st.Up || st.Stalls != 1 || !strings.Contains(st.Err, "503") {
		t.Errorf("status during the stall %+v", st)
	}
	close(resume)
	f := awaitRead(t, pending).must(t)
	if f.Seq != 1 || !bytes.Equal(f.Data, frames[1]) {
		t.Errorf("frame after the stall: seq %d", f.Seq)
	}
	f.Release()
	events.waitFor(t, CameraBack)
	if st := statusOf(t, src); !st.Up || st.Reconnects != 0 || st.Stalls != 1 {
		t.Errorf("status after the stall %+v", st)
	}
}

// TestHTTPStallSwitchesToANewConnection: when a new connection succeeds, the
// stalled one is dropped.
func TestHTTPStallSwitchesToANewConnection(t *testing.T) {
	frames := testJPEGs(3, 16, 16)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			serveParts(w, frames[:1]) // then hangs, like a camera whose network went away
		} else {
			serveParts(w, frames[1:])
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	events := newEventLog()
	src := openLiveT(t, srv.URL, fastStall(events))
	got := readFrames(t, src, 3)
	if !bytes.Equal(got[1], frames[1]) || !bytes.Equal(got[2], frames[2]) {
		t.Error("frames after the switch differ")
	}
	if k := events.kinds(); len(k) != 2 || k[0] != CameraStalled || k[1] != CameraBack {
		t.Errorf("events %v, want stalled then back", events.all())
	}
	if st := statusOf(t, src); !st.Up || st.Reconnects != 1 || st.Stalls != 1 {
		t.Errorf("status %+v", st)
	}
}

func TestHTTPSteadyStateAllocatesNothing(t *testing.T) {
	const frames = 300
	part := multipartBody(testJPEGs(1, 64, 48), partStyle{"--b", true, ""}, false)
	// One Write of every part, so the server (in this process, and counted
	// by AllocsPerRun) allocates nothing while the client reads.
	body := bytes.Repeat(part, frames)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
		w.Write(body)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	read := readAndRelease(t, openLiveT(t, srv.URL, Options{}))
	read()
	if a := testing.AllocsPerRun(frames-10, read); a != 0 {
		t.Errorf("%v allocations per frame, want 0", a)
	}
}

// TestHTTPSilentAfterHeaders: a server that answers (octet-stream, so the
// boundary must come from the body) and then sends nothing neither holds
// Open nor counts as up; the wait is bounded by the stall timeout.
func TestHTTPSilentAfterHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	events := newEventLog()
	src := openLiveT(t, srv.URL, fastStall(events))
	if e := events.waitFor(t, CameraDown); !strings.Contains(e.Err.Error(), "no part came within 0.5 s") {
		t.Errorf("down event %q", e)
	}
	if st := statusOf(t, src); st.Up {
		t.Errorf("status %+v", st)
	}
}
