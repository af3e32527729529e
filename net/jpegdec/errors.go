package jpegdec

import (
	"errors"
	"fmt"
)

// ErrTruncated is returned (wrapped) when the data ends before the image is
// complete, where PIL raises "image file is truncated".
var ErrTruncated = errors.New("jpeg: file is truncated")

// FormatError reports data that is not a valid JPEG file.
type FormatError string

func (e FormatError) Error() string { return "jpeg: invalid data: " + string(e) }

// UnsupportedError reports a valid JPEG feature this decoder does not handle.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "jpeg: not supported: " + string(e) }

// LimitError reports an image of more pixels than the caller's limit,
// found in its SOF before anything is allocated for it.
type LimitError struct {
	Width, Height, Limit int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("jpeg: image is %dx%d, more than the limit of %d pixels", e.Width, e.Height, e.Limit)
}
