package camera

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
)

// TestReconnectsKeepMemoryFlat drops the camera's connection mid-part 50
// times: after each drop the source re-connects and delivers again, and
// neither goroutines nor the heap grow with the number of re-connections.
func TestReconnectsKeepMemoryFlat(t *testing.T) {
	const drops, warmUp = 50, 10
	body := multipartBody(testJPEGs(2, 64, 48), partStyle{"--b", true, ""}, false)
	cut := body[:len(body)-300] // the second part is cut short
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
		w.Write(cut)
	}))
	t.Cleanup(srv.Close)
	baseGoroutines := runtime.NumGoroutine()

	events := newEventLog()
	src, err := Open(srv.URL, fastRetry(events))
	if err != nil {
		t.Fatal(err)
	}
	heapAfter := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var warm uint64
	for i := 0; i <= drops; i++ {
		f := awaitRead(t, readAsync(src)).must(t)
		if f.Seq != uint64(i) {
			t.Fatalf("frame %d has seq %d", i, f.Seq)
		}
		f.Release()
		if i == warmUp {
			warm = heapAfter()
		}
	}
	end := heapAfter()
	st := statusOf(t, src)
	if st.Reconnects != drops || !st.Up {
		t.Errorf("status %+v, want %d re-connections and up", st, drops)
	}
	downs, backs := 0, 0
	for _, k := range events.kinds() {
		switch k {
		case CameraDown:
			downs++
		case CameraBack:
			backs++
		}
	}
	if downs != drops || backs != drops {
		t.Errorf("%d down and %d back events, want %d each", downs, backs, drops)
	}
	// The heap after 50 re-connections may differ from that after 10 by
	// noise, not by 40 connections' buffers (64 KB of read buffer each).
	const bound = 512 << 10
	if end > warm+bound {
		t.Errorf("heap grew from %d to %d bytes over %d re-connections (bound %d)", warm, end, drops-warmUp, bound)
	}
	t.Logf("%d re-connections; heap after GC %d bytes after %d, %d after %d", st.Reconnects, warm, warmUp, end, drops)

	src.Close()
	eventually(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= baseGoroutines })
}

// TestCloseDuringOutageStopsTrying: Close of a source that is re-connecting
// ends its goroutines.
func TestCloseDuringOutageStopsTrying(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "warming up", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	base := runtime.NumGoroutine()
	events := newEventLog()
	src, err := Open(srv.URL, fastRetry(events))
	if err != nil {
		t.Fatal(err)
	}
	if e := events.waitFor(t, CameraDown); e.Err == nil || e.Err.Error() != "HTTP status 503 Service Unavailable" {
		t.Errorf("down event %v", e)
	}
	pending := readAsync(src)
	src.Close()
	if r := awaitRead(t, pending); r.err == nil {
		t.Fatal("Read returned a frame from a closed source")
	}
	eventually(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= base })
}
