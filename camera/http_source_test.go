package camera

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// multipartServer serves body with the given Content-Type on every request.
func multipartServer(t *testing.T, contentType string, body []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		// Write in small pieces so parts straddle reads.
		for i := 0; i < len(body); i += 700 {
			w.Write(body[i:min(i+700, len(body))])
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/stream.mjpg"
}

type partStyle struct {
	boundaryLine  string
	contentLength bool
	between       string // bytes after each part's body
}

func multipartBody(frames [][]byte, st partStyle, closing bool) []byte {
	var b bytes.Buffer
	b.WriteString("preamble to ignore\r\n")
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

func readAllFrames(t *testing.T, src Source) ([][]byte, error) {
	t.Helper()
	var got [][]byte
	for {
		f, err := src.Read(context.Background())
		if err != nil {
			return got, err
		}
		if f.Format != MJPEG || f.Width == 0 || f.Seq != uint64(len(got)) {
			t.Fatalf("frame %d: %v %dx%d seq %d", len(got), f.Format, f.Width, f.Height, f.Seq)
		}
		got = append(got, append([]byte(nil), f.Data...))
		f.Release()
	}
}

func TestHTTPMultipart(t *testing.T) {
	frames := testJPEGs(5, 64, 48)
	cases := []struct {
		name, contentType string
		style             partStyle
	}{
		{"content-length", "multipart/x-mixed-replace; boundary=frame", partStyle{"--frame", true, ""}},
		{"scanning without length", "multipart/x-mixed-replace;boundary=frame", partStyle{"--frame", false, ""}},
		{"garbage between parts", `multipart/x-mixed-replace; boundary="frame"`, partStyle{"--frame", false, "noise\xff\xd9\r\n"}},
		{"garbage after sized parts", "multipart/x-mixed-replace; boundary=frame", partStyle{"--frame", true, "noise\r\n\r\n"}},
		{"boundary given with dashes", "multipart/x-mixed-replace; boundary=--myboundary", partStyle{"--myboundary", true, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := multipartServer(t, c.contentType, multipartBody(frames, c.style, true))
			src, err := Open(url, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			got, err := readAllFrames(t, src)
			if err != io.EOF {
				t.Fatalf("after %d frames: %v, want io.EOF", len(got), err)
			}
			if len(got) != len(frames) {
				t.Fatalf("%d frames, want %d", len(got), len(frames))
			}
			for i := range frames {
				if !bytes.Equal(got[i], frames[i]) {
					t.Fatalf("frame %d differs", i)
				}
			}
		})
	}
}

func TestHTTPStreamEndsWithoutClosingBoundary(t *testing.T) {
	frames := testJPEGs(2, 32, 32)
	url := multipartServer(t, "multipart/x-mixed-replace; boundary=b", multipartBody(frames, partStyle{"--b", true, ""}, false))
	src, err := Open(url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got, err := readAllFrames(t, src); len(got) != 2 || err != io.EOF {
		t.Fatalf("%d frames, %v", len(got), err)
	}
}

func TestHTTPTruncatedPart(t *testing.T) {
	frames := testJPEGs(2, 32, 32)
	for _, sized := range []bool{true, false} {
		body := multipartBody(frames, partStyle{"--b", sized, ""}, false)
		body = body[:len(body)-len(frames[1])/2]
		url := multipartServer(t, "multipart/x-mixed-replace; boundary=b", body)
		src, err := Open(url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAllFrames(t, src)
		src.Close()
		if len(got) != 1 || !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), url) {
			t.Errorf("sized=%v: %d frames, %v; want 1 and ErrTruncated naming the URL", sized, len(got), err)
		}
	}
}

func TestHTTPPartTooLarge(t *testing.T) {
	frames := testJPEGs(1, 64, 64)
	url := multipartServer(t, "multipart/x-mixed-replace; boundary=b", multipartBody(frames, partStyle{"--b", true, ""}, true))
	src, err := Open(url, Options{MaxFrameBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Read(context.Background()); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("got %v, want ErrFrameTooLarge", err)
	}
}

func TestHTTPBadResponses(t *testing.T) {
	jp := testJPEGs(1, 16, 16)
	cases := []struct {
		name, contentType string
		body              []byte
		want              string
	}{
		{"not multipart", "image/jpeg", jp[0], `Content-Type "image/jpeg" is not multipart`},
		{"no boundary", "multipart/x-mixed-replace", nil, "has no boundary"},
	}
	for _, c := range cases {
		url := multipartServer(t, c.contentType, c.body)
		if _, err := Open(url, Options{}); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), url) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	png := []byte("--b\r\nContent-Type: image/png\r\nContent-Length: 3\r\n\r\nabc\r\n")
	src, err := Open(multipartServer(t, "multipart/x-mixed-replace; boundary=b", png), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Read(context.Background()); err == nil || !strings.Contains(err.Error(), "image/png") {
		t.Errorf("png part: %v", err)
	}
	src.Close()

	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if _, err := Open(srv.URL, Options{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
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
	defer srv.Close()
	defer close(release)
	src, err := Open(srv.URL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := src.Read(context.Background())
		done <- err
	}()
	src.Close()
	if err := <-done; err == nil {
		t.Fatal("Read returned a frame from a stalled stream")
	}
}
