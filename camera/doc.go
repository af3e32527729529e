// Package camera reads video frames from V4L2 devices, MJPEG byte streams
// (stdin, files, HTTP multipart/x-mixed-replace) and still images, and
// converts their pixels (YUYV, NV12, I420, JPEG) to packed RGB.
//
// Every Source hands out *Frame values from a fixed ring of buffers that it
// owns, so a steady stream allocates nothing per frame: a frame's Data stays
// valid until the caller calls Release, which returns the buffer to the ring.
// Read blocks while every frame of the ring is held, so a consumer must
// Release each frame it reads (see Options.Buffers for the ring size).
//
// Colour conversion follows ITU-R BT.601. The default, FullRange, is the
// JFIF/JPEG convention that webcams' MJPEG streams use (Y, Cb and Cr span
// 0..255); LimitedRange is the studio-swing convention (Y 16..235, Cb and Cr
// 16..240) that V4L2 nominally specifies for raw YUYV. The full-range integer
// arithmetic is exactly that of image/color.YCbCrToRGB, so a YUYV frame and the
// same picture decoded by image/jpeg give identical RGB bytes.
package camera
