// Package track gives each detected object a stable integer id across
// frames: a multi-object tracker in the SORT / ByteTrack style.
//
// Each frame (Tracker.Update):
//   - every track's constant-velocity Kalman filter on the box centre and
//     size (cx, cy, w, h and their velocities; see kalman.go for why w, h)
//     predicts its box;
//   - detections scoring at least HighScore are matched to all tracks by
//     IoU with the predicted box, as the optimal assignment (Hungarian /
//     Jonker-Volgenant potentials, no pair below MatchIoU);
//   - detections between LowScore and HighScore are then matched, stricter
//     (LowMatchIoU), to the confirmed tracks left that were seen last frame:
//     ByteTrack's second association, which keeps a partly hidden or blurred
//     object's id while its score dips;
//   - a track matches only detections of its own class (unless AnyClass),
//     so objects of different classes crossing never swap ids;
//   - unmatched high-score detections start tentative tracks; a track is
//     confirmed, and given the next id (1, 2, ... never reused by the
//     Tracker), on its MinHits-th matched frame; a tentative track dies at
//     its first miss; a confirmed one ends after MaxMisses frames unmatched,
//     coasting on its prediction meanwhile (so it survives occlusions).
//
// Update allocates nothing in steady state: all its slices are reused.
//
// Evaluator scores a tracker against ground truth with the CLEAR-MOT
// measures (MOTA, id switches, fragmentations) and IDF1; ReadMOT reads
// MOTChallenge files such as `retina synth --sequence` writes.
package track
