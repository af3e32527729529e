package main

import (
	"flag"
	"strconv"
)

// autoInt is an int flag whose default the command chooses from the other
// flags; --help shows no made-up default for it.
type autoInt struct {
	v   int
	set bool
}

func (a *autoInt) String() string {
	if a == nil || !a.set {
		return ""
	}
	return strconv.Itoa(a.v)
}

func (a *autoInt) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return err
	}
	a.v, a.set = v, true
	return nil
}

func autoIntFlag(fs *flag.FlagSet, name, usage string) *autoInt {
	a := new(autoInt)
	fs.Var(a, name, usage)
	return a
}

// float32Default turns a float32 default into a float64 flag's default: the
// float64 of its shortest decimal, so that --help prints 0.05 rather than
// float64(float32(0.05)) = 0.05000000074505806, and float32 of the flag's
// value is still the same float32.
func float32Default(v float32) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(v), 'g', -1, 32), 64)
	return f
}
