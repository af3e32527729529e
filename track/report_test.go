package track

import (
	"fmt"
	"strings"
	"testing"
)

// TestMOTReport runs the scenarios with the default options, prints the
// README's table (go test ./track -run TestMOTReport -v) and holds the
// tracker to quality bars. The ceiling column is a perfect tracker fed the
// same detections (scenario.run's oracle): what the detector's misses leave.
func TestMOTReport(t *testing.T) {
	var table strings.Builder
	fmt.Fprintln(&table, "| scenario | frames | GT tracks | MOTA | IDF1 | ID switches | frag. | FP | FN | ceiling MOTA / IDF1 |")
	fmt.Fprintln(&table, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range scenarios() {
		m, best := s.run(Options{}, false), s.run(Options{}, true)
		fmt.Fprintf(&table, "| %s | %d | %d | %.3f | %.3f | %d | %d | %d | %d | %.3f / %.3f |\n",
			s.name, m.Frames, m.GTTracks, m.MOTA, m.IDF1, m.IDSW, m.Frag, m.FP, m.FN, best.MOTA, best.IDF1)
		t.Run(s.name, func(t *testing.T) {
			t.Logf("%v", m)
			b := s.bar
			if m.IDSW > b.maxIDSW || m.IDF1 < b.minIDF1 || m.MOTA < b.minMOTA {
				t.Errorf("below the bar: %d id switches (at most %d), IDF1 %.3f (at least %.2f), MOTA %.3f (at least %.2f)",
					m.IDSW, b.maxIDSW, m.IDF1, b.minIDF1, m.MOTA, b.minMOTA)
			}
			if b.hypTracks > 0 && m.HypTracks != b.hypTracks {
				t.Errorf("%d tracker ids, want %d", m.HypTracks, b.hypTracks)
			}
		})
	}
	t.Logf("\n%s", table.String())
}
