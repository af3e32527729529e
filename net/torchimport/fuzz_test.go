package torchimport

import (
	"os"
	"testing"
)

// FuzzUnpickle: arbitrary bytes through the scanner and the restricted
// unpickler must give a value or an error, never a panic or a huge allocation.
func FuzzUnpickle(f *testing.F) {
	f.Add([]byte("\x80\x02ccollections\nOrderedDict\n)R."))
	f.Add([]byte("\x80\x02cos\nsystem\nX\x01\x00\x00\x00x\x85R."))
	if b, err := os.ReadFile(fixtures + "tiny_v1_wrapped_legacy.pt"); err == nil {
		f.Add(b[:min(len(b), 4096)])
	}
	reg := storageRegistry{}
	f.Fuzz(func(t *testing.T, p []byte) {
		v, err := unpickle(p, reg.load)
		if err == nil {
			var ck checkpoint
			ck.setStateDict(v)
		}
	})
}
