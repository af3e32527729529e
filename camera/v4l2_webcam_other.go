//go:build !linux

package camera

import (
	"fmt"
	"runtime"
)

func openWebcam(path string) (v4l2Device, error) {
	return nil, fmt.Errorf("V4L2 capture needs Linux; this binary is for %s/%s", runtime.GOOS, runtime.GOARCH)
}
