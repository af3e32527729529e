package train

import "os"

// osMkdirTemp makes a folder for data shared by the package's tests.
func osMkdirTemp() (string, error) { return os.MkdirTemp("", "retina-train-test-") }
