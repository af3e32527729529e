package detect

import (
	"fmt"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/preprocess"
)

// Stages are the model-independent steps around a network, resolved from a
// model's Config and Options: the Detector holds one set, and a pipeline
// that runs the steps on separate goroutines builds its own.
type Stages struct {
	Pre              *preprocess.Preprocessor
	Post             *boxes.Postprocessor
	MinSize, MaxSize int      // the resize rule: opts' sizes where set, else cfg's
	Labels           []string // one per class ("class N" when unnamed), so that no step allocates strings
}

// NewStages resolves the preprocessing, postprocessing and labels of cfg
// under opts.
func NewStages(cfg net.Config, opts Options) (Stages, error) {
	s := Stages{MinSize: cfg.MinSize, MaxSize: cfg.MaxSize}
	if opts.MinSize > 0 {
		s.MinSize = opts.MinSize
	}
	if opts.MaxSize > 0 {
		s.MaxSize = opts.MaxSize
	}
	post, err := boxes.NewPostprocessor(cfg.NumClasses, cfg.AnchorSizes, cfg.AspectRatios, opts.PostprocessOptions)
	if err != nil {
		return Stages{}, err
	}
	s.Post = post
	s.Labels = make([]string, cfg.NumClasses)
	for c := range s.Labels {
		if c < len(cfg.Labels) && cfg.Labels[c] != "" {
			s.Labels[c] = cfg.Labels[c]
		} else {
			s.Labels[c] = fmt.Sprintf("class %d", c)
		}
	}
	s.Pre = preprocess.NewPreprocessor(s.MinSize, s.MaxSize, cfg.ImageMean, cfg.ImageStd)
	return s, nil
}
