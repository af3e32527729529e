package events

import (
	"strings"
	"testing"
)

// FuzzParseZone: any --zone text gives a zone of at least three points and
// a name, or an error; never a panic.
func FuzzParseZone(f *testing.F) {
	for _, s := range []string{"porch:0,0,100,0,100,100", "a:1,2,3", ":1,2,3,4,5,6", "x:1e40,0,0,1,NaN,2", "z:,,,,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		z, err := ParseZone(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "zone ") {
				t.Fatalf("error %q does not name the zone", err)
			}
			return
		}
		if z.Name == "" || len(z.X) < 3 || len(z.X) != len(z.Y) {
			t.Fatalf("%q parsed to %+v", s, z)
		}
		z.Contains(1, 1)
	})
}
