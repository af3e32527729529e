package torchimport

import (
	"archive/zip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeZipCheckpoint stores a hand-made data.pkl the way torch.save lays out
// its archive.
func writeZipCheckpoint(t *testing.T, pkl []byte, extra map[string][]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crafted.pt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	files := map[string][]byte{"archive/data.pkl": pkl, "archive/version": []byte("3\n")}
	for k, v := range extra {
		files[k] = v
	}
	for name, data := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// TestHostilePickleRefused: a pickle that would run os.system("touch ...")
// under Python's pickle must be refused by name, and nothing may run.
func TestHostilePickleRefused(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwned")
	cmd := "touch " + marker
	pkl := []byte("\x80\x02cos\nsystem\nq\x00X")
	pkl = binary.LittleEndian.AppendUint32(pkl, uint32(len(cmd)))
	pkl = append(pkl, cmd...)
	pkl = append(pkl, "\x85R."...)
	path := writeZipCheckpoint(t, pkl, nil)
	_, _, err := ImportFile(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "refusing to load os.system") || !strings.HasPrefix(err.Error(), path) {
		t.Fatalf("error %v, want it to name the file and os.system", err)
	}
	if _, statErr := os.Stat(marker); statErr == nil {
		t.Fatal("the hostile command ran")
	}
}

func TestUnpickleAllowlist(t *testing.T) {
	noPID := func(interface{}) (interface{}, error) { return nil, nil }
	cases := map[string]string{
		"\x80\x02cbuiltins\neval\nX\x01\x00\x00\x001\x85R.":                                "builtins.eval",
		"\x80\x02cposix\nsystem\nX\x01\x00\x00\x00x\x85R.":                                 "posix.system",
		"\x80\x04\x8c\nsubprocess\x8c\x05Popen\x93X\x01\x00\x00\x00x\x85R.":                "subprocess.Popen",
		"\x80\x02ctorchvision.models.detection.retinanet\nRetinaNet\n)\x81.":               "torchvision.models.detection.retinanet.RetinaNet",
		"\x80\x02ctorch\nFloatStorage\nctorch._utils\n_rebuild_tensor_v2\nctorch\nload\n.": "torch.load",
	}
	for p, want := range cases {
		_, err := unpickle([]byte(p), noPID)
		if err == nil || !strings.Contains(err.Error(), "refusing to load "+want) {
			t.Errorf("%q: error %v, want it to refuse %s", p, err, want)
		}
	}
}

func TestScanPickleRefusesForgedLengths(t *testing.T) {
	forged := []string{
		"\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x10.",                      // BINUNICODE8 of 2^60 bytes
		"\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\x7f.",                      // BINBYTES8
		"\x80\x04\x95\x00\x00\x00\x00\x01\x00\x00\x00.",                      // FRAME of 4 GB
		"\x80\x02X\xff\xff\xff\x7f.",                                         // BINUNICODE
		"\x80\x02\x8b\x00\x00\x10\x00" + strings.Repeat("\x00", 1<<20) + ".", // LONG4 of 1 MB
		"\x80\x02cos\nsys", // unterminated GLOBAL
		"\x80\x02N",        // no STOP
		"\x80\x02\xff.",    // unknown opcode
	}
	for _, p := range forged {
		if _, err := unpickle([]byte(p), nil); err == nil {
			t.Errorf("%q accepted", p[:min(len(p), 16)])
		}
	}
}

func TestCheckpointStructureErrors(t *testing.T) {
	// A state_dict whose tensor view runs past its storage.
	pkl := "\x80\x02ccollections\nOrderedDict\n)R(X\x01\x00\x00\x00w" +
		"ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK\x02K\x04\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtRu."
	path := writeZipCheckpoint(t, []byte(pkl), map[string][]byte{"archive/data/0": make([]byte, 16)})
	ck, err := openCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	ref := ck.tensors["w"]
	if ref == nil || ref.offset != 2 || ref.storage.numel != 4 {
		t.Fatalf("tensor ref %+v", ref)
	}
	if _, err := materialize("w", ref, make([]byte, 16), false); err == nil || !strings.Contains(err.Error(), "reaches element 5 of a 4-element storage") {
		t.Errorf("out-of-range view: %v", err)
	}
	// The same pickle with a storage record of the wrong size.
	path = writeZipCheckpoint(t, []byte(pkl), map[string][]byte{"archive/data/0": make([]byte, 12)})
	ck2, err := openCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ck2.Close()
	if _, err := ck2.readStorages([]string{"w"}); err == nil || !strings.Contains(err.Error(), "12 bytes, but 4 elements of F32 need 16") {
		t.Errorf("short storage: %v", err)
	}
	// A dict with no tensors.
	path = writeZipCheckpoint(t, []byte("\x80\x02}X\x05\x00\x00\x00epochK\x07s."), nil)
	if _, _, err := ImportFile(path, Options{}); err == nil || !strings.Contains(err.Error(), `neither a state_dict nor holds one under 'model' or 'state_dict' (keys "epoch")`) {
		t.Errorf("no tensors: %v", err)
	}
}

func TestMaterializeStrides(t *testing.T) {
	// Storage 0..11 as float32; view: offset 1, shape [2 3], stride [1 4] (a transpose).
	data := make([]byte, 48)
	for i := 0; i < 12; i++ {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(float32(i)))
	}
	ref := &tensorRef{storage: &storageRef{key: "0", dtype: "F32", numel: 12}, offset: 1, shape: []int{2, 3}, stride: []int{1, 4}}
	tn, err := materialize("t", ref, data, false)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := tn.Float32s()
	want := []float32{1, 5, 9, 2, 6, 10}
	for i := range want {
		if v[i] != want[i] {
			t.Fatalf("got %v, want %v", v, want)
		}
	}
	// Big-endian storages are swapped; a stride-0 (expanded) view repeats.
	be := []byte{0x3f, 0x80, 0, 0} // 1.0 big-endian
	ref = &tensorRef{storage: &storageRef{key: "1", dtype: "F32", numel: 1}, shape: []int{3}, stride: []int{0}}
	tn, err = materialize("e", ref, be, true)
	if v, _ := tn.Float32s(); err != nil || len(v) != 3 || v[0] != 1 || v[2] != 1 {
		t.Errorf("expanded big-endian view: %v, %v", v, err)
	}
}
