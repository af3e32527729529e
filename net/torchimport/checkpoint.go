package torchimport

import (
	"archive/zip"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/retina-edge/retina/net/safetensors"
)

// Limits that keep a corrupt or hostile checkpoint from exhausting memory;
// a full-size RetinaNet-ResNet50 has a ~0.1 MB pickle and ~150 MB of storages.
const (
	maxPickleBytes    = 256 << 20
	maxStorageBytes   = int64(4 << 30) // total over the storages a state_dict uses
	maxTensorElements = 1 << 28
)

// checkpoint is a torch.save file's state_dict: tensor views by name, in the
// pickle's order, and a way to fetch the raw bytes of a storage.
type checkpoint struct {
	names     []string
	tensors   map[string]*tensorRef
	bigEndian bool
	storage   func(s *storageRef) ([]byte, error)
	close     func() error
}

// Close releases the file behind the checkpoint.
func (ck *checkpoint) Close() error {
	if ck.close == nil {
		return nil
	}
	return ck.close()
}

// openCheckpoint reads a torch.save file, zip (PyTorch >= 1.6) or legacy.
func openCheckpoint(path string) (*checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("too short to be a torch.save checkpoint")
	}
	var ck *checkpoint
	switch {
	case string(magic[:]) == "PK\x03\x04":
		ck, err = openZipCheckpoint(path)
	case magic[0] == 0x80: // a pickle PROTO opcode: the legacy format
		ck, err = openLegacyCheckpoint(path)
	default:
		return nil, fmt.Errorf("not a torch.save checkpoint (neither a zip archive nor a pickle)")
	}
	if err != nil {
		return nil, err
	}
	return ck, nil
}

// storageRegistry resolves persistent ids, giving one storageRef per key.
type storageRegistry map[string]*storageRef

func (r storageRegistry) load(pid interface{}) (interface{}, error) {
	s, err := storagePID(pid)
	if err != nil {
		return nil, err
	}
	if old, ok := r[s.key]; ok {
		if old.dtype != s.dtype || old.numel != s.numel {
			return nil, fmt.Errorf("storage %q is referenced with two different types or sizes", s.key)
		}
		return old, nil
	}
	r[s.key] = s
	return s, nil
}

// storageBytes returns the byte size of a storage, refusing overflow.
func storageBytes(s *storageRef) (int, error) {
	size, _ := safetensors.DTypeSize(s.dtype)
	if s.numel > math.MaxInt/size {
		return 0, fmt.Errorf("storage %q: %d elements overflow", s.key, s.numel)
	}
	return s.numel * size, nil
}

func openZipCheckpoint(path string) (*checkpoint, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("reading the zip archive: %v", err)
	}
	ck, err := zipCheckpoint(&zr.Reader)
	if err != nil {
		zr.Close()
		return nil, err
	}
	ck.close = zr.Close
	return ck, nil
}

func zipCheckpoint(zr *zip.Reader) (*checkpoint, error) {
	files := map[string]*zip.File{}
	var pkl *zip.File
	for _, f := range zr.File {
		files[f.Name] = f
		if strings.HasSuffix(f.Name, "/data.pkl") && strings.Count(f.Name, "/") == 1 {
			if pkl != nil {
				return nil, fmt.Errorf("archive holds two data.pkl records (%s, %s)", pkl.Name, f.Name)
			}
			pkl = f
		}
	}
	if pkl == nil {
		return nil, fmt.Errorf("zip archive has no <name>/data.pkl: not a torch.save checkpoint")
	}
	prefix := strings.TrimSuffix(pkl.Name, "data.pkl")
	p, err := readZipEntry(pkl, maxPickleBytes)
	if err != nil {
		return nil, err
	}
	ck := &checkpoint{}
	if bo, ok := files[prefix+"byteorder"]; ok {
		b, err := readZipEntry(bo, 16)
		if err != nil {
			return nil, err
		}
		switch string(b) {
		case "little":
		case "big":
			ck.bigEndian = true
		default:
			return nil, fmt.Errorf("%s: unknown byte order %q", bo.Name, b)
		}
	}
	reg := storageRegistry{}
	root, err := unpickle(p, reg.load)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", pkl.Name, err)
	}
	if err := ck.setStateDict(root); err != nil {
		return nil, err
	}
	ck.storage = func(s *storageRef) ([]byte, error) {
		name := prefix + "data/" + s.key
		f, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("archive has no %s for storage %q", name, s.key)
		}
		want, err := storageBytes(s)
		if err != nil {
			return nil, err
		}
		if f.UncompressedSize64 != uint64(want) {
			return nil, fmt.Errorf("%s: %d bytes, but %d elements of %s need %d", name, f.UncompressedSize64, s.numel, s.dtype, want)
		}
		return readZipEntry(f, want)
	}
	return ck, nil
}

// readZipEntry reads a whole entry, refusing one larger than limit.
func readZipEntry(f *zip.File, limit int) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d allowed", f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.Name, err)
	}
	if uint64(len(b)) != f.UncompressedSize64 {
		return nil, fmt.Errorf("%s: holds %d bytes, its header says %d", f.Name, len(b), f.UncompressedSize64)
	}
	return b, nil
}

// legacyMagic is torch.serialization.MAGIC_NUMBER.
const legacyMagic = "0x1950a86a20f9469cfc6c"

// openLegacyCheckpoint reads torch.save(..., _use_new_zipfile_serialization=
// False): pickles of the magic number, protocol version, system info and the
// object, then the list of storage keys and each storage as an int64 element
// count followed by its raw bytes.
func openLegacyCheckpoint(path string) (*checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pos := 0
	next := func(what string, load func(interface{}) (interface{}, error)) (interface{}, error) {
		n, err := scanPickle(data[pos:])
		if err != nil {
			return nil, fmt.Errorf("legacy checkpoint %s: %v", what, err)
		}
		v, err := unpickle(data[pos:pos+n], load)
		if err != nil {
			return nil, fmt.Errorf("legacy checkpoint %s: %v", what, err)
		}
		pos += n
		return v, nil
	}
	noPID := func(interface{}) (interface{}, error) { return nil, fmt.Errorf("unexpected persistent id") }
	magic, err := next("magic number", noPID)
	if err != nil {
		return nil, err
	}
	if m, ok := magic.(interface{ Text(int) string }); !ok || "0x"+m.Text(16) != legacyMagic {
		return nil, fmt.Errorf("not a torch.save checkpoint (legacy magic number missing)")
	}
	if v, err := next("protocol version", noPID); err != nil {
		return nil, err
	} else if n, _ := toInt(v); n != 1001 {
		return nil, fmt.Errorf("legacy checkpoint protocol %v, want 1001", v)
	}
	if _, err := next("system info", noPID); err != nil {
		return nil, err
	}
	reg := storageRegistry{}
	root, err := next("object", reg.load)
	if err != nil {
		return nil, err
	}
	keyList, err := next("storage keys", noPID)
	if err != nil {
		return nil, err
	}
	keys, err := stringList(keyList)
	if err != nil {
		return nil, fmt.Errorf("legacy checkpoint storage keys: %v", err)
	}
	blobs := map[string][]byte{}
	for _, key := range keys {
		s, ok := reg[key]
		if !ok {
			return nil, fmt.Errorf("legacy checkpoint lists storage %q that no tensor uses", key)
		}
		want, err := storageBytes(s)
		if err != nil {
			return nil, err
		}
		if len(data)-pos < 8 {
			return nil, fmt.Errorf("legacy checkpoint truncated before storage %q", key)
		}
		if n := int64(leUint64(data[pos:])); n != int64(s.numel) {
			return nil, fmt.Errorf("legacy checkpoint storage %q holds %d elements, the pickle says %d", key, n, s.numel)
		}
		pos += 8
		if want > len(data)-pos {
			return nil, fmt.Errorf("legacy checkpoint truncated inside storage %q", key)
		}
		blobs[key] = data[pos : pos+want]
		pos += want
	}
	ck := &checkpoint{}
	if err := ck.setStateDict(root); err != nil {
		return nil, err
	}
	ck.storage = func(s *storageRef) ([]byte, error) {
		b, ok := blobs[s.key]
		if !ok {
			return nil, fmt.Errorf("legacy checkpoint has no data for storage %q", s.key)
		}
		return b, nil
	}
	return ck, nil
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// readStorages fetches the bytes of every storage the named tensors use,
// within the memory budget.
func (ck *checkpoint) readStorages(names []string) (map[*storageRef][]byte, error) {
	out := map[*storageRef][]byte{}
	total := int64(0)
	for _, name := range names {
		s := ck.tensors[name].storage
		if _, ok := out[s]; ok {
			continue
		}
		n, err := storageBytes(s)
		if err != nil {
			return nil, err
		}
		if total += int64(n); total > maxStorageBytes || total < 0 {
			return nil, fmt.Errorf("the state_dict's storages exceed %d bytes", maxStorageBytes)
		}
		b, err := ck.storage(s)
		if err != nil {
			return nil, err
		}
		out[s] = b
	}
	return out, nil
}
