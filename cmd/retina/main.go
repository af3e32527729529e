// Command retina is the RetinaNet edge detector: detection on images and
// camera streams, benchmarks, checkpoint import, training and quantization.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// command is one subcommand: its name, a one-line summary and its entry.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{

		{"import", "convert a torchvision RetinaNet checkpoint (.pth) into a retina model file", runImport},
		{"detect", "detect objects in images", runDetect},
		{"stream", "detect objects in a camera or video stream", runStream},
		{"eval", "score detections with the COCO metrics", runEval},
		{"synth", "generate a synthetic shapes dataset", runSynth},
		{"label", "label frames with a model's detections (a dataset for training)", runLabel},
		{"train", "fine-tune a model with focal loss", runTrain},
		{"distill", "label frames with a big model and train a small one on them", runDistill},
		{"quantize", "quantize a float model to int8 (calibrated on images)", runQuantize},
		{"bench", "measure kernels and models (retina bench kernels|model)", runBench},
		{"version", "print the version (also retina --version)", runVersion},
	}
}

func main() {
	setGCDefault()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit code: 0 on success,
// 2 on a usage error, 1 on any other error (printed as one line).
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, new(usageError)):
				fmt.Fprintf(stderr, "retina %s: %v\n", c.name, err)
				return 2
			default:
				fmt.Fprintf(stderr, "retina %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "retina: unknown command %q (run 'retina --help' for the list)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "retina: a RetinaNet object detector for small machines.")
	fmt.Fprintln(w, "\nUsage: retina COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'retina COMMAND --help' for a command's flags.")
}

// usageError is a bad command line (exit code 2) rather than a failure.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// newFlags makes a FlagSet that reports errors instead of exiting and
// prints a usage header for --help.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: retina %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into a usageError (the flag
// package has already printed the details).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
