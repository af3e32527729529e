// Package cputime reads the process's CPU time, which benchmarks report
// beside the wall clock: on a shared machine it shows the work done better.
package cputime
