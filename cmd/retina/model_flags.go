package main

import (
	"flag"

	"github.com/retina-edge/retina"
	"github.com/retina-edge/retina/model"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/detect"
)

// modelFlags are --model and --threads, shared by every command that runs a model.
type modelFlags struct {
	path    *string
	threads *int
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	return &modelFlags{
		path:    fs.String("model", "", "model `FILE` (.safetensors from 'retina import', 'retina train' or 'retina quantize'; default: the embedded model)"),
		threads: fs.Int("threads", defaultThreads(), "threads for the network"),
	}
}

// describe names the model for messages: "the model FILE" or "the
// embedded default model".
func (f *modelFlags) describe() string {
	if *f.path == "" {
		return "the embedded default model"
	}
	return "the model " + *f.path
}

// load opens the model file, float or int8 alike, or the embedded model.
func (f *modelFlags) load() (*model.Model, error) {
	if *f.threads < 1 || *f.threads > 1024 {
		return nil, usagef("--threads %d: want 1..1024", *f.threads)
	}
	defer releaseLoadGarbage()
	if *f.path == "" {
		m, err := loadDefaultModel(*f.threads)
		if err != nil {
			return nil, err
		}
		return &model.Model{Kind: model.KindFloat, Float: m}, nil
	}
	return model.LoadFile(*f.path, *f.threads)
}

// detector loads the model and wraps it in a Detector; call the returned
// function to stop the model's threads when done.
func (f *modelFlags) detector(opts detect.Options) (*detect.Detector, func(), error) {
	model, err := f.load()
	if err != nil {
		return nil, nil, err
	}
	det, err := model.Detector(opts)
	if err != nil {
		model.Close()
		return nil, nil, err
	}
	return det, model.Close, nil
}

// loadDefaultModel builds the model embedded in the binary.
func loadDefaultModel(threads int) (*net.Model, error) {
	return retina.DefaultModel(net.Options{Threads: threads})
}
