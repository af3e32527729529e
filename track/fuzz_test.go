package track

import (
	"strings"
	"testing"
)

// FuzzReadMOT: any text gives records or an error naming the file and
// line; never a panic.
func FuzzReadMOT(f *testing.F) {
	for _, s := range []string{"1,1,10,20,30,40,1,2,0.5\n", "1,2,3,4,5,6\n\n", "x,1,2,3,4,5", "1,1,1e309,2,3,4,1,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := ReadMOT("gt.txt", strings.NewReader(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "gt.txt") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		var e Evaluator
		for _, r := range recs {
			e.Add([]Object{r.Object}, []Object{r.Object})
		}
		e.Result()
	})
}
