package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// httpCamera is an MJPEG-over-HTTP camera (IP cameras, mjpg-streamer,
// motion, ffmpeg -f mpjpeg): what every connection to it needs.
type httpCamera struct {
	url    *url.URL // without the user and password, which go to auth
	name   string   // the URL with the password hidden
	client *http.Client
	auth   *httpAuth // nil without a user in the URL
	max    int
	// firstPart bounds the wait from the response headers to the first
	// part, which the stall watchdog does not watch: a server that answers
	// and then sends nothing must not hold Open or a re-connection forever.
	firstPart time.Duration
}

// openHTTP checks the URL now (a malformed one is an error at once) and
// returns a live source that connects, and re-connects, in the background.
func openHTTP(spec string, opts Options) (*liveSource, error) {
	u, err := url.Parse(spec)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL, password and all
		}
		return nil, fmt.Errorf("camera: bad URL %q: %w", hideUserInfo(spec), err)
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("camera: bad URL %q: want http://HOST[:PORT]/PATH or https://...", u.Redacted())
	}
	c := &httpCamera{name: u.Redacted(), client: opts.HTTPClient, max: opts.maxFrame(),
		firstPart: opts.stallTimeout()}
	if u.User != nil {
		pass, _ := u.User.Password()
		c.auth = &httpAuth{user: u.User.Username(), pass: pass}
		u.User = nil
	}
	c.url = u
	if c.client == nil {
		c.client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 15 * time.Second,
			DisableKeepAlives:     true, // a stream's connection is never reused; keep no idle ones
		}}
	}
	return openLive(liveConfig{name: c.name, describe: c.describe(), dial: c.dial, overlap: true, limit: true, policy: Drop}, opts)
}

func (c *httpCamera) describe() string { return "MJPEG over HTTP from " + c.name }

// hideUserInfo masks "user:password@" in a URL that did not parse.
func hideUserInfo(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	host, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		return raw[:len(raw)-len(rest)] + "xxxxx" + rest[i:]
	}
	return raw
}

// dial requests the stream (answering an auth challenge) and checks the
// response. Failures re-trying cannot cure are marked permanent.
func (c *httpCamera) dial(ctx context.Context) (link, error) {
	lctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel) // ctx governs the dial, lctx the link
	defer stop()
	resp, err := c.get(lctx)
	if err != nil {
		cancel()
		return nil, err
	}
	var timedOut atomic.Bool // sniffing the boundary reads the body
	limit := time.AfterFunc(c.firstPart, func() { timedOut.Store(true); cancel() })
	l, err := c.newLink(lctx, cancel, resp)
	if limit.Stop() && err == nil {
		return l, nil
	}
	if err == nil {
		l.close()
	}
	resp.Body.Close()
	cancel()
	if timedOut.Load() {
		err = fmt.Errorf("connected, but no part came within %s", seconds(c.firstPart))
	}
	return nil, err
}

// get sends the request, and once more with credentials after a 401.
func (c *httpCamera) get(ctx context.Context) (*http.Response, error) {
	for try := 0; ; try++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url.String(), nil)
		if err != nil {
			return nil, permanentError{err}
		}
		if c.auth != nil {
			if h := c.auth.header(req.Method, req.URL.RequestURI()); h != "" {
				req.Header.Set("Authorization", h)
			}
		}
		resp, err := c.client.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // the URL is in every message already
			}
			return nil, err
		}
		if resp.StatusCode != http.StatusUnauthorized {
			return resp, nil
		}
		challenges := resp.Header.Values("WWW-Authenticate")
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		switch {
		case c.auth == nil:
			return nil, permanentError{fmt.Errorf("HTTP status %s: the camera wants a user and password (http://USER:PASSWORD@host/...)", resp.Status)}
		case try > 0:
			return nil, permanentError{fmt.Errorf("HTTP status %s: the camera refused the user and password in the URL", resp.Status)}
		}
		if err := c.auth.learn(challenges); err != nil {
			return nil, permanentError{err}
		}
	}
}

// newLink checks the response and finds the part boundary: from the
// Content-Type, or, when that has none or is not multipart at all (ffmpeg's
// server says application/octet-stream), from the first boundary line.
func (c *httpCamera) newLink(ctx context.Context, cancel context.CancelFunc, resp *http.Response) (*httpLink, error) {
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("HTTP status %s", resp.Status)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout &&
			resp.StatusCode != http.StatusTooManyRequests {
			return nil, permanentError{err}
		}
		return nil, err
	}
	ct := resp.Header.Get("Content-Type")
	mediaType, params, _ := mime.ParseMediaType(ct)
	sniff := ct == "" || mediaType == "application/octet-stream"
	if !sniff && !strings.HasPrefix(mediaType, "multipart/") {
		return nil, permanentError{fmt.Errorf("Content-Type %q is not a multipart MJPEG stream", ct)}
	}
	in := newStreamReader(resp.Body)
	boundary := strings.TrimPrefix(params["boundary"], "--")
	atPart := false
	if boundary == "" {
		var err error
		if boundary, err = sniffBoundary(in); err != nil {
			return nil, fmt.Errorf("Content-Type %q: %w", ct, err)
		}
		atPart = true
	}
	return &httpLink{
		ctx:    ctx,
		cancel: cancel,
		body:   resp.Body,
		in:     in,
		split:  newSplitterOn(in, c.max),
		delim:  []byte("--" + boundary),
		bare:   []byte(boundary),
		max:    c.max,
		atPart: atPart,
		desc:   c.describe(),
	}, nil
}

// httpLink reads one response's parts.
type httpLink struct {
	ctx       context.Context // ends with abort or close
	cancel    context.CancelFunc
	body      io.ReadCloser
	in        *streamReader
	split     *MJPEGSplitter
	delim     []byte // "--" + boundary
	bare      []byte // the boundary alone, which some servers use as the line
	max       int
	atPart    bool // the boundary line before the next part is read already
	finished  bool // the closing boundary came
	desc      string
	closeOnce sync.Once
}

func (l *httpLink) next(f *Frame) error {
	for {
		ok, err := l.readPart(f)
		if err != nil {
			if l.ctx.Err() != nil {
				return errLinkAborted
			}
			if err == io.EOF {
				if l.finished {
					return errors.New("the camera ended the stream")
				}
				return errors.New("the camera closed the connection")
			}
			return err
		}
		if ok {
			f.Format = MJPEG
			f.Width, f.Height, _ = jpegSize(f.Data)
			return nil
		}
	}
}

func (l *httpLink) abort() { l.cancel() }

func (l *httpLink) close() {
	l.closeOnce.Do(func() {
		l.cancel()
		l.body.Close()
	})
}

func (l *httpLink) describe() string { return l.desc }
