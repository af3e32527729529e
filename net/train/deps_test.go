package train

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoPlottingInTheTrainingLibrary: train.png is drawn by the caller
// (Trainer.LogUpdated), so net/train does not pull in a plotting library.
func TestNoPlottingInTheTrainingLibrary(t *testing.T) {
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "gonum.org/v1/plot") {
			t.Errorf("net/train depends on %s", dep)
		}
	}
}
