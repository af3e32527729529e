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
