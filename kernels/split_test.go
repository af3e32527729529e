package kernels

import "testing"

func TestSplitTiles(t *testing.T) {
	for _, tc := range []struct{ mt, nt, threads, tm, tn int }{
		{43, 25, 2, 1, 2}, // near tie: columns, which do not repack B
		{100, 1, 4, 4, 1}, // one column of tiles: rows only
		{1, 100, 4, 1, 4}, // one row of tiles: columns only
		{40, 3, 4, 4, 1},  // 3 columns cannot feed 4 threads: 4 row groups (30 tiles each) beat 1x3 (40)
		{7, 7, 1, 1, 1},   // one thread, one task
		{2, 2, 16, 2, 2},  // never more groups than tiles
	} {
		tm, tn := splitTiles(tc.mt, tc.nt, tc.threads)
		if tm != tc.tm || tn != tc.tn {
			t.Errorf("splitTiles(%d, %d, %d) = %d x %d, want %d x %d", tc.mt, tc.nt, tc.threads, tm, tn, tc.tm, tc.tn)
		}
		if tm*tn > tc.threads {
			t.Errorf("splitTiles(%d, %d, %d): %d tasks for %d threads", tc.mt, tc.nt, tc.threads, tm*tn, tc.threads)
		}
	}
}
