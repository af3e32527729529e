package track

import (
	"math"
	"strings"
	"testing"
)

func box(x, y float32) [4]float32 { return [4]float32{x, y, x + 10, y + 10} }

func obj(id int, x, y float32) Object { return Object{ID: id, Box: box(x, y)} }

func evaluate(frames ...[2][]Object) Metrics {
	var e Evaluator
	for _, f := range frames {
		e.Add(f[0], f[1])
	}
	return e.Result()
}

func frame(gt, hyp []Object) [2][]Object { return [2][]Object{gt, hyp} }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestMOTPerfect(t *testing.T) {
	var fs [][2][]Object
	for f := 0; f < 3; f++ {
		x := float32(f)
		fs = append(fs, frame([]Object{obj(1, x, 0), obj(2, x, 50)}, []Object{obj(7, x, 0), obj(9, x, 50)}))
	}
	m := evaluate(fs...)
	if m.MOTA != 1 || m.IDF1 != 1 || m.IDSW != 0 || m.FP != 0 || m.FN != 0 || m.Frag != 0 || !near(m.MOTP, 1) {
		t.Fatalf("%+v", m)
	}
}

// One object over 4 frames, tracked as id 1 then id 2: one switch; each id
// covers half the object's frames, so IDF1 = 2*2/(4+4).
func TestMOTIDSwitch(t *testing.T) {
	m := evaluate(
		frame([]Object{obj(1, 0, 0)}, []Object{obj(1, 0, 0)}),
		frame([]Object{obj(1, 1, 0)}, []Object{obj(1, 1, 0)}),
		frame([]Object{obj(1, 2, 0)}, []Object{obj(2, 2, 0)}),
		frame([]Object{obj(1, 3, 0)}, []Object{obj(2, 3, 0)}),
	)
	if m.IDSW != 1 || !near(m.MOTA, 0.75) || !near(m.IDF1, 0.5) || m.IDTP != 2 || m.Frag != 0 || m.HypTracks != 2 {
		t.Fatalf("%+v", m)
	}
}

// Missed in frame 3 of 5: FN 1, one fragmentation, no switch; IDF1 =
// 2*4/(5+4).
func TestMOTFragmentation(t *testing.T) {
	var fs [][2][]Object
	for f := 0; f < 5; f++ {
		var hyp []Object
		if f != 2 {
			hyp = []Object{obj(1, float32(f), 0)}
		}
		fs = append(fs, frame([]Object{obj(1, float32(f), 0)}, hyp))
	}
	m := evaluate(fs...)
	if m.FN != 1 || m.Frag != 1 || m.IDSW != 0 || !near(m.MOTA, 0.8) || !near(m.IDF1, 8.0/9) {
		t.Fatalf("%+v", m)
	}
	// A miss at the end is not a fragmentation (tracking never resumed).
	fs[2][1] = []Object{obj(1, 2, 0)}
	fs[4][1] = nil
	if m := evaluate(fs...); m.FN != 1 || m.Frag != 0 {
		t.Fatalf("miss at the end: %+v", m)
	}
}

// A false positive, a box too far off (IoU < 0.5: both FP and FN), and a
// box of the wrong class (never a match).
func TestMOTFalsePositivesAndMisses(t *testing.T) {
	m := evaluate(
		frame([]Object{obj(1, 0, 0)}, []Object{obj(1, 0, 0), obj(2, 100, 100)}),
		frame([]Object{obj(1, 0, 0)}, []Object{obj(1, 6, 0)}), // IoU 4*10/(200-40) = 0.25
		frame([]Object{obj(1, 0, 0)}, []Object{{ID: 1, Class: 1, Box: box(0, 0)}}),
	)
	if m.FP != 3 || m.FN != 2 || m.Matches != 1 || !near(m.MOTA, 1-5.0/3) {
		t.Fatalf("%+v", m)
	}
}

// The correspondence in force is kept while it holds, even when another
// tracker box overlaps the object better: no switch and no flip-flop.
func TestMOTKeepsCorrespondence(t *testing.T) {
	m := evaluate(
		frame([]Object{obj(1, 0, 0)}, []Object{obj(5, 0, 0)}),
		frame([]Object{obj(1, 0, 0)}, []Object{obj(5, 2, 0), obj(6, 0, 0)}),
	)
	if m.IDSW != 0 || m.FP != 1 || m.Matches != 2 {
		t.Fatalf("%+v", m)
	}
}

// IDF1's one-to-one assignment: two ground-truth objects and two tracker
// ids that swap halfway; the best assignment keeps the longer halves.
func TestIDF1OptimalAssignment(t *testing.T) {
	var fs [][2][]Object
	for f := 0; f < 10; f++ {
		a, b := 1, 2
		if f >= 7 { // the ids swap for the last 3 frames
			a, b = 2, 1
		}
		fs = append(fs, frame([]Object{obj(1, 0, 0), obj(2, 50, 0)}, []Object{obj(a, 0, 0), obj(b, 50, 0)}))
	}
	m := evaluate(fs...)
	// IDTP = 7 + 7 (gt1-hyp1, gt2-hyp2), over 20 + 20 boxes.
	if m.IDTP != 14 || !near(m.IDF1, 28.0/40) || m.IDSW != 2 {
		t.Fatalf("%+v", m)
	}
}

func TestReadMOT(t *testing.T) {
	recs, err := ReadMOT("gt.txt", strings.NewReader("1,7,10,20,30,40,0,2,0.25\n\n2,8,1,2,3,4\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []MOTRecord{
		{Frame: 1, Object: Object{ID: 7, Class: 1, Box: [4]float32{10, 20, 40, 60}}, Consider: false, Visibility: 0.25},
		{Frame: 2, Object: Object{ID: 8, Class: -1, Box: [4]float32{1, 2, 4, 6}}, Consider: true, Visibility: 1},
	}
	if len(recs) != 2 || recs[0] != want[0] || recs[1] != want[1] {
		t.Fatalf("got %+v\nwant %+v", recs, want)
	}
	if _, err := ReadMOT("gt.txt", strings.NewReader("1,2,3\n")); err == nil || !strings.Contains(err.Error(), "gt.txt:1: 3 fields") {
		t.Fatalf("short line: %v", err)
	}
	if _, err := ReadMOT("gt.txt", strings.NewReader("1,1,1,1,1,1\n1,x,1,1,1,1\n")); err == nil || !strings.Contains(err.Error(), `gt.txt:2: field 2 ("x")`) {
		t.Fatalf("bad number: %v", err)
	}
}
