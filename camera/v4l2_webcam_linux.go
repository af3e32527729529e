//go:build linux

package camera

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/blackjack/webcam"
)

// webcamDevice adapts *webcam.Webcam to v4l2Device.
type webcamDevice struct{ cam *webcam.Webcam }

func openWebcam(path string) (v4l2Device, error) {
	cam, err := webcam.Open(path)
	if err != nil {
		if errors.Is(err, syscall.ENOTTY) || errors.Is(err, syscall.EINVAL) {
			return nil, fmt.Errorf("not a V4L2 capture device: %w", err)
		}
		return nil, fmt.Errorf("cannot open: %w", err)
	}
	return webcamDevice{cam}, nil
}

func (d webcamDevice) Formats() []uint32 {
	m := d.cam.GetSupportedFormats()
	out := make([]uint32, 0, len(m))
	for f := range m {
		out = append(out, uint32(f))
	}
	return out
}

func (d webcamDevice) FrameSizes(fourcc uint32) []frameSize {
	list := d.cam.GetSupportedFrameSizes(webcam.PixelFormat(fourcc))
	out := make([]frameSize, len(list))
	for i, s := range list {
		out[i] = frameSize{s.MinWidth, s.MaxWidth, s.StepWidth, s.MinHeight, s.MaxHeight, s.StepHeight}
	}
	return out
}

func (d webcamDevice) SetFormat(fourcc uint32, width, height uint32) (uint32, uint32, uint32, error) {
	f, w, h, err := d.cam.SetImageFormat(webcam.PixelFormat(fourcc), width, height)
	return uint32(f), w, h, err
}

func (d webcamDevice) SetFramerate(fps float32) error { return d.cam.SetFramerate(fps) }
func (d webcamDevice) SetBufferCount(n uint32) error  { return d.cam.SetBufferCount(n) }
func (d webcamDevice) StartStreaming() error          { return d.cam.StartStreaming() }

func (d webcamDevice) WaitForFrame(timeoutSec uint32) error {
	err := d.cam.WaitForFrame(timeoutSec)
	if _, ok := err.(*webcam.Timeout); ok {
		return errWaitTimeout
	}
	return err
}

func (d webcamDevice) GetFrame() ([]byte, uint32, error) { return d.cam.GetFrame() }
func (d webcamDevice) ReleaseFrame(index uint32) error   { return d.cam.ReleaseFrame(index) }
func (d webcamDevice) Close() error                      { return d.cam.Close() }
