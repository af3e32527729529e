package testtool

import (
	"os/exec"
	"testing"
)

// NeedTorch returns a python3 that imports torch and torchvision (the
// system one first: a pyenv python3 on PATH may lack them). Under -short
// it skips the test; when there is none it fails saying what to install.
func NeedTorch(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipped, this test runs PyTorch")
	}
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import torch, torchvision").Run() == nil {
			return py
		}
	}
	t.Fatal("no python3 that imports torch and torchvision: this test runs PyTorch; install them with `make test` (installs every test tool) or apt-get install python3-torch python3-torchvision")
	return ""
}
