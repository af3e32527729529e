package train

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/retina-edge/retina/internal/atomicfile"
)

// LogFileName is the run's CSV log in its output folder.
const LogFileName = "train.csv"

// PlotFileName is the plot of the log in the run's output folder, drawn by
// the caller from Trainer.LogUpdated (this package draws nothing).
const PlotFileName = "train.png"

// logHeader is the CSV log's first line. A step row has the losses and an
// empty val_ap/val_ap50; a validation row (after the last step of an epoch)
// has only epoch, step and the validation scores.
var logHeader = []string{"epoch", "step", "lr", "loss", "class_loss", "box_loss", "foreground", "grad_norm", "val_ap", "val_ap50"}

// LogRow is one line of the log. Absent numbers are NaN.
type LogRow struct {
	Epoch, Step                  int // epoch 1-based; step = optimizer steps taken
	LR, Loss, ClassLoss, BoxLoss float64
	Foreground                   int
	GradNorm                     float64
	ValAP, ValAP50               float64
}

// IsValidation tells a validation row from a step row.
func (r LogRow) IsValidation() bool { return !math.IsNaN(r.ValAP) }

func stepRow(epoch, step int, lr float64, l Loss, norm float64) LogRow {
	return LogRow{Epoch: epoch, Step: step, LR: lr, Loss: l.Total, ClassLoss: l.Class, BoxLoss: l.Box,
		Foreground: l.Foreground, GradNorm: norm, ValAP: math.NaN(), ValAP50: math.NaN()}
}

func validationRow(epoch, step int, ap, ap50 float64) LogRow {
	nan := math.NaN()
	return LogRow{Epoch: epoch, Step: step, LR: nan, Loss: nan, ClassLoss: nan, BoxLoss: nan, Foreground: -1,
		GradNorm: nan, ValAP: ap, ValAP50: ap50}
}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 9, 64)
}

func (r LogRow) record() []string {
	fg := ""
	if r.Foreground >= 0 {
		fg = strconv.Itoa(r.Foreground)
	}
	return []string{strconv.Itoa(r.Epoch), strconv.Itoa(r.Step), fmtNum(r.LR), fmtNum(r.Loss), fmtNum(r.ClassLoss),
		fmtNum(r.BoxLoss), fg, fmtNum(r.GradNorm), fmtNum(r.ValAP), fmtNum(r.ValAP50)}
}

func parseRow(rec []string) (LogRow, bool) {
	if len(rec) != len(logHeader) {
		return LogRow{}, false
	}
	var r LogRow
	var err error
	if r.Epoch, err = strconv.Atoi(rec[0]); err != nil {
		return r, false
	}
	if r.Step, err = strconv.Atoi(rec[1]); err != nil {
		return r, false
	}
	nums := []*float64{&r.LR, &r.Loss, &r.ClassLoss, &r.BoxLoss, nil, &r.GradNorm, &r.ValAP, &r.ValAP50}
	for i, p := range nums {
		s := rec[2+i]
		if p == nil {
			r.Foreground = -1
			if s != "" {
				if r.Foreground, err = strconv.Atoi(s); err != nil {
					return r, false
				}
			}
			continue
		}
		*p = math.NaN()
		if s != "" {
			if *p, err = strconv.ParseFloat(s, 64); err != nil {
				return r, false
			}
		}
	}
	return r, true
}

// runLog appends rows to dir/train.csv as they come (so a run can be
// watched) and keeps them for Trainer.LogUpdated.
type runLog struct {
	path string
	f    *os.File
	w    *csv.Writer
	rows []LogRow
}

// openLog starts dir/train.csv afresh, or, when resuming at step, keeps the
// rows of steps up to it (rows written after the checkpoint, and a line cut
// short by a crash, are dropped) and rewrites the file atomically first. A
// fresh run's log is only created with its first row, so that a run failing
// before its first step (a broken image, a full disk) leaves no log behind.
// Either way, temporaries a killed run left in dir are removed first.
func openLog(dir string, resume bool, step int) (*runLog, error) {
	l := &runLog{path: filepath.Join(dir, LogFileName)}
	if err := removeStaleTemps(dir); err != nil {
		return nil, err
	}
	if !resume {
		return l, nil
	}
	rows, err := readLog(l.path)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Step <= step {
			l.rows = append(l.rows, r)
		}
	}
	return l, l.start()
}

// start writes the kept rows and opens the file for appending.
func (l *runLog) start() error {
	if err := l.rewrite(); err != nil {
		return err
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", l.path, err)
	}
	l.f, l.w = f, csv.NewWriter(f)
	return nil
}

// readLog reads a log, skipping lines that do not parse (a crash can cut
// the last one short). A missing file is an empty log.
func readLog(path string) ([]LogRow, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	var rows []LogRow
	for {
		rec, err := r.Read()
		if err != nil {
			break // io.EOF or a damaged line: what came before stands
		}
		if row, ok := parseRow(rec); ok {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// rewrite writes the kept rows to a temporary file and renames it over the log.
func (l *runLog) rewrite() error {
	return atomicfile.WriteDurable(l.path, func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write(logHeader)
		for _, r := range l.rows {
			w.Write(r.record())
		}
		w.Flush()
		return w.Error()
	})
}

// add appends one row and flushes it to the file.
func (l *runLog) add(r LogRow) error {
	if l.f == nil {
		if err := l.start(); err != nil {
			return err
		}
	}
	l.rows = append(l.rows, r)
	l.w.Write(r.record())
	l.w.Flush()
	if err := l.w.Error(); err != nil {
		return fmt.Errorf("%s: %w", l.path, err)
	}
	return nil
}

func (l *runLog) close() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
