package camera

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
	"sync"
)

// httpAuth answers a camera's 401 challenge with the user and password from
// its URL: Basic, or Digest (RFC 7616 and RFC 2617: MD5 or SHA-256, plain
// or -sess, qop=auth or none). Nothing is sent before the camera asks, so a
// password never goes out in the clear to a camera that wants Digest.
type httpAuth struct {
	user, pass string

	mu     sync.Mutex
	basic  bool
	digest map[string]string // the last Digest challenge's parameters
	nc     uint32            // requests answered under its nonce
}

// learn takes the WWW-Authenticate values of a 401, preferring Digest.
func (a *httpAuth) learn(challenges []string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.basic, a.digest = false, nil
	for _, c := range challenges {
		scheme, params := parseChallenge(c)
		switch strings.ToLower(scheme) {
		case "digest":
			if err := checkDigest(params); err != nil {
				return err
			}
			a.digest, a.nc = params, 0
			return nil
		case "basic":
			a.basic = true
		}
	}
	if a.basic {
		return nil
	}
	if len(challenges) == 0 {
		return fmt.Errorf("HTTP status 401 without a WWW-Authenticate challenge")
	}
	return fmt.Errorf("HTTP status 401: the camera asks for %q, not Basic or Digest authentication", strings.Join(challenges, "; "))
}

// header is the Authorization value for a request, or "" before a challenge.
func (a *httpAuth) header(method, uri string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.digest != nil:
		a.nc++
		return digestResponse(a.digest, a.user, a.pass, method, uri, fmt.Sprintf("%08x", a.nc), newCnonce())
	case a.basic:
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(a.user+":"+a.pass))
	}
	return ""
}

// checkDigest refuses what digestResponse cannot answer.
func checkDigest(p map[string]string) error {
	if p["nonce"] == "" {
		return fmt.Errorf("HTTP status 401: the camera's Digest challenge has no nonce")
	}
	if _, ok := digestHash(p["algorithm"]); !ok {
		return fmt.Errorf("HTTP status 401: Digest algorithm %q is not supported (MD5 and SHA-256 are)", p["algorithm"])
	}
	if q := p["qop"]; q != "" && !hasToken(q, "auth") {
		return fmt.Errorf("HTTP status 401: Digest qop %q is not supported (auth is)", q)
	}
	return nil
}

// digestHash returns the hash an algorithm names (without "-sess").
func digestHash(alg string) (func() hash.Hash, bool) {
	switch strings.ToUpper(strings.TrimSuffix(strings.ToUpper(alg), "-SESS")) {
	case "", "MD5":
		return md5.New, true
	case "SHA-256":
		return sha256.New, true
	}
	return nil, false
}

// digestResponse builds the Authorization header answering challenge p
// (RFC 7616 section 3.4).
func digestResponse(p map[string]string, user, pass, method, uri, nc, cnonce string) string {
	newHash, _ := digestHash(p["algorithm"])
	h := func(s string) string {
		d := newHash()
		d.Write([]byte(s))
		return hex.EncodeToString(d.Sum(nil))
	}
	realm, nonce := p["realm"], p["nonce"]
	ha1 := h(user + ":" + realm + ":" + pass)
	if strings.HasSuffix(strings.ToUpper(p["algorithm"]), "-SESS") {
		ha1 = h(ha1 + ":" + nonce + ":" + cnonce)
	}
	ha2 := h(method + ":" + uri)
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username=%s, realm=%s, nonce=%s, uri=%s`, quote(user), quote(realm), quote(nonce), quote(uri))
	if p["qop"] != "" {
		resp := h(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
		fmt.Fprintf(&b, `, qop=auth, nc=%s, cnonce=%s, response=%s`, nc, quote(cnonce), quote(resp))
	} else {
		fmt.Fprintf(&b, `, response=%s`, quote(h(ha1+":"+nonce+":"+ha2)))
	}
	if alg := p["algorithm"]; alg != "" {
		b.WriteString(", algorithm=" + alg)
	}
	if o, ok := p["opaque"]; ok {
		b.WriteString(", opaque=" + quote(o))
	}
	return b.String()
}

func newCnonce() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// hasToken says whether a comma-separated list holds tok.
func hasToken(list, tok string) bool {
	for _, t := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(t), tok) {
			return true
		}
	}
	return false
}

// parseChallenge splits `Scheme k=v, k="quoted \"v\""` into the scheme and
// its parameters (names lower-cased).
func parseChallenge(s string) (string, map[string]string) {
	s = strings.TrimSpace(s)
	scheme, rest, _ := strings.Cut(s, " ")
	params := map[string]string{}
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			return scheme, params
		}
		name, after, found := strings.Cut(rest, "=")
		if !found {
			return scheme, params
		}
		name = strings.ToLower(strings.TrimSpace(name))
		after = strings.TrimLeft(after, " \t")
		var value string
		if strings.HasPrefix(after, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(after) && after[i] != '"'; i++ {
				if after[i] == '\\' && i+1 < len(after) {
					i++
				}
				b.WriteByte(after[i])
			}
			value, rest = b.String(), after[min(i+1, len(after)):]
		} else {
			end := strings.IndexAny(after, ", \t")
			if end < 0 {
				end = len(after)
			}
			value, rest = after[:end], after[end:]
		}
		params[name] = value
	}
}
