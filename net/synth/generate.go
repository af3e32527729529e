package synth

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/retina-edge/retina/net/dataset"
)

// Options describe a synthetic dataset.
type Options struct {
	N          int      // images (default 1000)
	Size       int      // square image side in pixels (default 256, at least 32)
	Seed       int64    // the same seed gives the same files
	Format     string   // "coco" (default), "voc" or "yolo"
	Classes    []string // a subset of ShapeNames (default all, in that order)
	MaxObjects int      // objects per image are 0..MaxObjects (default 6)
	// Progress, when set, is called after each image with the count done.
	Progress func(done, total int)
}

// maxImages and maxSide keep a typo from filling the disk.
const (
	maxImages = 10_000_000
	maxSide   = 4096
)

// resolve fills defaults and maps class names to ShapeNames indexes.
func (o Options) resolve() (Options, []int, error) {
	if o.N == 0 {
		o.N = 1000
	}
	if o.Size == 0 {
		o.Size = 256
	}
	if o.Format == "" {
		o.Format = dataset.FormatCOCO
	}
	if o.MaxObjects == 0 {
		o.MaxObjects = 6
	}
	if o.N < 0 || o.N > maxImages {
		return o, nil, fmt.Errorf("synth: %d images: want 1..%d", o.N, maxImages)
	}
	if o.Size < 32 || o.Size > maxSide {
		return o, nil, fmt.Errorf("synth: image size %d: want 32..%d", o.Size, maxSide)
	}
	if o.MaxObjects < 0 || o.MaxObjects > 1000 {
		return o, nil, fmt.Errorf("synth: %d objects per image: want 0..1000", o.MaxObjects)
	}
	switch o.Format {
	case dataset.FormatCOCO, dataset.FormatVOC, dataset.FormatYOLO:
	default:
		return o, nil, fmt.Errorf("synth: unknown format %q (want coco, voc or yolo)", o.Format)
	}
	names := o.Classes
	if len(names) == 0 {
		names = ShapeNames
	}
	var classes []int
	seen := map[string]bool{}
	for _, name := range names {
		i := indexOf(ShapeNames, name)
		if i < 0 {
			return o, nil, fmt.Errorf("synth: unknown class %q (have %v)", name, ShapeNames)
		}
		if seen[name] {
			return o, nil, fmt.Errorf("synth: class %q given twice", name)
		}
		seen[name] = true
		classes = append(classes, i)
	}
	return o, classes, nil
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// Generate writes the dataset into dir, which must not exist or be empty.
// Everything is written into a temporary folder beside dir that is renamed
// into place at the end, so a failure leaves no half dataset.
func Generate(dir string, opts Options) error {
	opts, classes, err := opts.resolve()
	if err != nil {
		return err
	}
	return intoNewFolder(dir, func(tmp string) error { return generateInto(tmp, opts, classes) })
}

func generateInto(root string, opts Options, classes []int) error {
	imgDir := "images"
	if opts.Format == dataset.FormatVOC {
		imgDir = "JPEGImages"
	}
	if err := os.MkdirAll(filepath.Join(root, imgDir), 0o755); err != nil {
		return err
	}
	// Class indexes in the written dataset follow opts.Classes' order.
	remap := make(map[int]int, len(classes))
	names := make([]string, len(classes))
	for i, c := range classes {
		remap[c] = i
		names[i] = ShapeNames[c]
	}
	ds := &dataset.Dataset{Classes: names, Samples: make([]dataset.Sample, opts.N), Format: opts.Format}
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range next {
				img, objs, _ := render(opts, classes, i)
				for j := range objs {
					objs[j].Class = remap[objs[j].Class]
				}
				path := filepath.Join(root, imgDir, fmt.Sprintf("%06d.jpg", i))
				buf.Reset()
				err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
				if err == nil {
					err = os.WriteFile(path, buf.Bytes(), 0o644)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("synth: %s: %w", path, err)
				}
				ds.Samples[i] = dataset.Sample{ImagePath: path, Width: opts.Size, Height: opts.Size, Boxes: objs}
				done++
				if opts.Progress != nil {
					opts.Progress(done, opts.N)
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < opts.N; i++ {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	switch opts.Format {
	case dataset.FormatCOCO:
		return dataset.WriteCOCO(filepath.Join(root, "annotations.json"), ds)
	case dataset.FormatVOC:
		return dataset.WriteVOC(root, ds)
	default:
		return dataset.WriteYOLO(root, ds)
	}
}
