package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// listFlag is a repeatable flag: each use adds one value. In a config file
// it takes a list, or (when mapSep is set) a mapping whose entries become
// KEY+mapSep+VALUE, e.g. zone: {porch: [0,0, 10,0, 10,10]} -> porch:0,0,10,0,10,10.
type listFlag struct {
	values []string
	mapSep string
}

func (l *listFlag) String() string { return strings.Join(l.values, " ") }

func (l *listFlag) Set(s string) error {
	l.values = append(l.values, s)
	return nil
}

func listFlagVar(fs *flag.FlagSet, name, mapSep, usage string) *listFlag {
	l := &listFlag{mapSep: mapSep}
	fs.Var(l, name, usage)
	return l
}

// configSection reads a config file key that is no flag (a mapping with a
// structure of its own, such as the tracker's tuning).
type configSection func(v *yaml.Node) error

// applyConfigFile sets, from the YAML file at path, every flag the command
// line did not set: the file's keys are the flags' names (a dash or an
// underscore between words), its values what the flag takes. A list gives
// a repeatable flag one value per item, and any other flag its items joined
// with commas (labels: [person, car]). sections read the keys that are not
// flags. Unknown keys and values that do not fit are errors naming the
// file, the line and the key.
func applyConfigFile(fs *flag.FlagSet, path string, sections map[string]configSection) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--config: %w", err)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file
		}
		return fmt.Errorf("%s: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: want a mapping of flag names to values (source: ..., fps: 5, ...)", path, root.Line)
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		name := strings.ReplaceAll(k.Value, "_", "-")
		if line, dup := seen[name]; dup {
			return fmt.Errorf("%s:%d: %q given again (first on line %d)", path, k.Line, k.Value, line)
		}
		seen[name] = k.Line
		if read, ok := sections[name]; ok {
			if err := read(v); err != nil {
				return fmt.Errorf("%s:%d: %s: %v", path, v.Line, k.Value, strings.TrimPrefix(err.Error(), "yaml: "))
			}
			continue
		}
		f := fs.Lookup(name)
		if f == nil || name == "config" || name == "help" {
			return fmt.Errorf("%s:%d: unknown key %q (the keys are retina stream's flag names: see retina stream --help)", path, k.Line, k.Value)
		}
		if onCommandLine[name] {
			continue // the command line wins
		}
		values, err := configValues(f, v)
		if err == nil {
			for _, s := range values {
				if err = f.Value.Set(s); err != nil {
					break
				}
			}
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %s: %v", path, v.Line, k.Value, err)
		}
	}
	return nil
}

// configValues turns a config file value into the strings the flag is set
// to, one Set call each.
func configValues(f *flag.Flag, v *yaml.Node) ([]string, error) {
	list, repeatable := f.Value.(*listFlag)
	switch v.Kind {
	case yaml.ScalarNode:
		return []string{v.Value}, nil
	case yaml.SequenceNode:
		if !repeatable {
			s, err := joinScalars(v)
			return []string{s}, err
		}
		var out []string
		for _, item := range v.Content {
			s, err := joinScalars(item)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	case yaml.MappingNode:
		if !repeatable || list.mapSep == "" {
			return nil, errors.New("want a value or a list, not a mapping")
		}
		var out []string
		for i := 0; i+1 < len(v.Content); i += 2 {
			s, err := joinScalars(v.Content[i+1])
			if err != nil {
				return nil, err
			}
			out = append(out, v.Content[i].Value+list.mapSep+s)
		}
		return out, nil
	}
	return nil, errors.New("want a value or a list")
}

// joinScalars is a scalar, or a (nested) list of scalars joined with
// commas: a polygon may be written [x1, y1, x2, y2, ...] or [[x1, y1], ...].
func joinScalars(v *yaml.Node) (string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		return v.Value, nil
	case yaml.SequenceNode:
		parts := make([]string, 0, len(v.Content))
		for _, item := range v.Content {
			s, err := joinScalars(item)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	}
	return "", errors.New("want a value or a list of values")
}

// strictSection decodes a config file mapping into out (a pointer to a
// struct with yaml tags), refusing keys the struct does not have.
func strictSection(out any) configSection {
	return func(v *yaml.Node) error {
		if v.Kind != yaml.MappingNode {
			return errors.New("want a mapping")
		}
		known := yamlKeys(reflect.TypeOf(out).Elem())
		for i := 0; i < len(v.Content); i += 2 {
			if k := v.Content[i]; !slices.Contains(known, k.Value) {
				return fmt.Errorf("unknown key %q on line %d (known: %s)", k.Value, k.Line, strings.Join(known, ", "))
			}
		}
		if err := v.Decode(out); err != nil {
			return errors.New(strings.ReplaceAll(strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "), "\n  ", "; "))
		}
		return nil
	}
}

// yamlKeys are the keys a struct type takes in YAML.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}
