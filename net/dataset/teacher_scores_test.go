package dataset

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTeacherScoresRoundTripAndApply(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, TeacherScoresFile)
	ts := &TeacherScores{Teacher: "test", Classes: []string{"a", "b"}, Images: []TeacherImage{{
		File:  "images/x.jpg",
		Boxes: []TeacherBox{{Class: 0, Box: [4]float32{0, 0, 10, 10}, Score: 0.7}, {Class: 1, Box: [4]float32{20, 20, 40, 40}, Score: 0.9}},
	}}}
	if err := WriteTeacherScores(path, ts); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTeacherScores(path)
	if err != nil {
		t.Fatal(err)
	}
	ds := &Dataset{Classes: []string{"a", "b"}, Samples: []Sample{{
		ImagePath: filepath.Join(root, "images", "x.jpg"), Width: 64, Height: 64,
		Boxes: []Object{
			{Box: [4]float32{0, 0, 10, 10}, Class: 0},     // the teacher's box: its score
			{Box: [4]float32{20, 20, 30, 30}, Class: 1},   // moved by hand (IoU 0.25): a hard label
			{Box: [4]float32{20, 20, 40, 40.5}, Class: 0}, // the other class at that place: hard
		},
	}}}
	n, err := ds.ApplyTeacherScores(got, root)
	if err != nil || n != 1 {
		t.Fatalf("applied %d, %v", n, err)
	}
	if s := ds.Samples[0].Boxes; s[0].Score != 0.7 || s[1].Score != 0 || s[2].Score != 0 {
		t.Fatalf("scores %v %v %v", s[0].Score, s[1].Score, s[2].Score)
	}
	ds.Classes = []string{"b", "a"}
	if _, err := ds.ApplyTeacherScores(got, root); err == nil || !strings.Contains(err.Error(), `class 0 is "a"`) {
		t.Fatalf("mismatched classes: %v", err)
	}
}
