package camera

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenBadSpecs(t *testing.T) {
	for _, spec := range []string{"", "video0", "rtsp://cam/1", "v4l2:", "mjpeg:", "dir:", "notes.txt", "testsrc:big", "testsrc:641x480"} {
		_, err := Open(spec, Options{})
		if err == nil {
			t.Errorf("%q: no error", spec)
			continue
		}
		msg := err.Error()
		if strings.HasPrefix(spec, "testsrc:") {
			if !strings.Contains(msg, "WIDTHxHEIGHT") && !strings.Contains(msg, "even width") {
				t.Errorf("%q: %v", spec, err)
			}
			continue
		}
		if !strings.Contains(msg, "v4l2:/dev/videoN") || !strings.Contains(msg, "mjpeg:-") || !strings.Contains(msg, "dir:PATH") {
			t.Errorf("%q: error does not list the accepted forms: %v", spec, err)
		}
	}
	if _, err := Open("mjpeg:/nonexistent/x.mjpg", Options{}); err == nil || !strings.Contains(err.Error(), "/nonexistent/x.mjpg") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Open("mjpeg:"+t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory as mjpeg file: %v", err)
	}
}

func TestOpenMJPEGFileFromFFmpeg(t *testing.T) {
	path := ffmpegMJPEG(t, "160x120", 5, 1)
	src, err := Open("mjpeg:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	got, err := readAllFrames(t, src)
	if err != io.EOF || len(got) != 5 {
		t.Fatalf("%d frames, %v", len(got), err)
	}
	for i, g := range got {
		img, err := jpeg.Decode(bytes.NewReader(g))
		if err != nil || img.Bounds().Dx() != 160 || img.Bounds().Dy() != 120 {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if !strings.Contains(src.Describe(), path) {
		t.Errorf("Describe() = %q", src.Describe())
	}
}

func TestOpenMJPEGFileLoops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "three.mjpg")
	frames := testJPEGs(3, 24, 16)
	if err := os.WriteFile(path, bytes.Join(frames, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Open("mjpeg:"+path, Options{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := 0; i < 8; i++ {
		f, err := src.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if f.Seq != uint64(i) || !bytes.Equal(f.Data, frames[i%3]) || f.Width != 24 || f.Height != 16 {
			t.Fatalf("read %d: seq %d, %dx%d, data equal %v", i, f.Seq, f.Width, f.Height, bytes.Equal(f.Data, frames[i%3]))
		}
		f.Release()
	}
	// Looping a file that holds no frame ends instead of spinning.
	empty := filepath.Join(t.TempDir(), "empty.mjpg")
	os.WriteFile(empty, []byte("no jpeg here"), 0o644)
	src2, err := Open("mjpeg:"+empty, Options{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	if _, err := src2.Read(context.Background()); err != io.EOF {
		t.Fatalf("empty looping file: %v", err)
	}
}

func TestOpenMJPEGStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	frames := testJPEGs(3, 16, 16)
	go func() {
		w.Write([]byte("ffmpeg banner junk"))
		w.Write(bytes.Join(frames, nil))
		w.Write(frames[0][:40]) // the writer was killed mid-frame
		w.Close()
	}()
	src, err := Open("mjpeg:-", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAllFrames(t, src)
	if len(got) != 3 || !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "stdin") {
		t.Fatalf("%d frames, %v", len(got), err)
	}
	src.Close()
}

func TestOpenMJPEGSteadyStateAllocatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loop.mjpg")
	os.WriteFile(path, bytes.Join(testJPEGs(4, 64, 48), nil), 0o644)
	src, err := Open("mjpeg:"+path, Options{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	read := func() {
		f, err := src.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		f.Release()
	}
	for i := 0; i < 8; i++ {
		read()
	}
	if a := testing.AllocsPerRun(40, read); a != 0 {
		t.Errorf("%v allocations per frame, want 0", a)
	}
}

func TestOpenDir(t *testing.T) {
	dir := t.TempDir()
	jpegs := testJPEGs(2, 20, 10)
	os.WriteFile(filepath.Join(dir, "b.jpg"), jpegs[0], 0o644)
	os.WriteFile(filepath.Join(dir, "c.JPEG"), jpegs[1], 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("skip me"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub.jpg"), 0o755)
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for i := 0; i < 6; i++ {
		img.Set(i%3, i/3, color.NRGBA{uint8(i * 40), uint8(200 - i*30), uint8(i), 255})
	}
	var pngBytes bytes.Buffer
	png.Encode(&pngBytes, img)
	os.WriteFile(filepath.Join(dir, "a.png"), pngBytes.Bytes(), 0o644)

	src, err := Open("dir:"+dir, Options{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if d := src.Describe(); !strings.Contains(d, "3 still image(s)") {
		t.Errorf("Describe() = %q", d)
	}
	for round := 0; round < 2; round++ {
		f, err := src.Read(context.Background()) // a.png
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != RGB24 || f.Width != 3 || f.Height != 2 {
			t.Fatalf("a.png: %v %dx%d", f.Format, f.Width, f.Height)
		}
		for i := 0; i < 6; i++ {
			c := img.NRGBAAt(i%3, i/3)
			if !bytes.Equal(f.Data[i*3:i*3+3], []byte{c.R, c.G, c.B}) {
				t.Fatalf("a.png pixel %d = %v, want %v", i, f.Data[i*3:i*3+3], c)
			}
		}
		f.Release()
		for i, want := range jpegs {
			f, err := src.Read(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != MJPEG || f.Width != 20 || f.Height != 10 || !bytes.Equal(f.Data, want) {
				t.Fatalf("jpeg %d: %v %dx%d", i, f.Format, f.Width, f.Height)
			}
			f.Release()
		}
	}

	one, err := Open(filepath.Join(dir, "b.jpg"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := one.Read(context.Background()); err != nil || !bytes.Equal(f.Data, jpegs[0]) {
		t.Fatalf("single file: %v", err)
	}
	if _, err := one.Read(context.Background()); err != io.EOF {
		t.Fatalf("single file without Loop: %v, want io.EOF", err)
	}

	empty := t.TempDir()
	if _, err := Open("dir:"+empty, Options{}); err == nil || !strings.Contains(err.Error(), "no .jpg") {
		t.Errorf("empty folder: %v", err)
	}
	bad := filepath.Join(empty, "broken.jpg")
	os.WriteFile(bad, []byte("not an image"), 0o644)
	src3, _ := Open("dir:"+empty, Options{})
	if _, err := src3.Read(context.Background()); err == nil || !strings.Contains(err.Error(), "broken.jpg") {
		t.Errorf("broken image: %v", err)
	}
}

func TestOpenTestPattern(t *testing.T) {
	src, err := Open("testsrc:32x8", Options{FPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	rgb := make([]byte, 32*8*3)
	if err := ConvertToRGB(rgb, f, FullRange); err != nil {
		t.Fatal(err)
	}
	// Frame 0: bar k covers columns 4k..4k+3; white first, black last.
	if !bytes.Equal(rgb[:3], []byte{255, 255, 255}) || !bytes.Equal(rgb[31*3:32*3], []byte{0, 0, 0}) {
		t.Fatalf("bars: first %v, last %v", rgb[:3], rgb[31*3:32*3])
	}
	if !strings.Contains(src.Describe(), "paced 1000 fps") {
		t.Errorf("Describe() = %q", src.Describe())
	}
}
