package dataset

import (
	"fmt"
	"github.com/retina-edge/retina/internal/capped"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// readNamesFile reads class names: one per line (classes.txt, obj.names,
// labels.txt), or the names list of a YOLO data.yaml.
func readNamesFile(path string, o LoadOptions) ([]string, error) {
	data, err := capped.ReadFile(path, o.maxFile(defaultMaxFile))
	if err != nil {
		return nil, err
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		return parseYAMLNames(path, string(data))
	}
	var names []string
	for _, line := range strings.Split(string(data), "\n") {
		if n := strings.TrimSpace(line); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no class names", path)
	}
	return names, nil
}

// parseYAMLNames reads the "names" key of a YOLO data.yaml in its three
// usual forms: a flow list [a, b], a block list (- a) or a map (0: a).
func parseYAMLNames(path, text string) ([]string, error) {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "names:") {
			continue
		}
		rest := strings.TrimSpace(stripComment(line[len("names:"):]))
		if strings.HasPrefix(rest, "[") {
			// A flow list may span lines until its closing bracket.
			j := i
			for !strings.Contains(rest, "]") && j+1 < len(lines) {
				j++
				rest += " " + strings.TrimSpace(stripComment(lines[j]))
			}
			end := strings.Index(rest, "]")
			if end < 0 {
				return nil, fmt.Errorf("%s:%d: names list has no closing ]", path, i+1)
			}
			var names []string
			for _, item := range strings.Split(rest[1:end], ",") {
				if n := unquote(item); n != "" {
					names = append(names, n)
				}
			}
			return checkNames(path, i+1, names)
		}
		if rest != "" {
			return nil, fmt.Errorf("%s:%d: names must be a list or a map", path, i+1)
		}
		byIndex := map[int]string{}
		var list []string
		for j := i + 1; j < len(lines); j++ {
			l := stripComment(lines[j])
			t := strings.TrimSpace(l)
			if t == "" {
				continue
			}
			if l[0] != ' ' && l[0] != '\t' && l[0] != '-' {
				break // the next top-level key
			}
			if strings.HasPrefix(t, "- ") || t == "-" {
				list = append(list, unquote(strings.TrimPrefix(t, "-")))
				continue
			}
			k, v, ok := strings.Cut(t, ":")
			idx, err := strconv.Atoi(strings.TrimSpace(k))
			if !ok || err != nil || idx < 0 {
				return nil, fmt.Errorf("%s:%d: expected \"- name\" or \"index: name\", got %q", path, j+1, t)
			}
			byIndex[idx] = unquote(v)
		}
		if len(byIndex) > 0 {
			keys := make([]int, 0, len(byIndex))
			for k := range byIndex {
				keys = append(keys, k)
			}
			sort.Ints(keys)
			for n, k := range keys {
				if k != n {
					return nil, fmt.Errorf("%s: names map has no index %d", path, n)
				}
				list = append(list, byIndex[k])
			}
		}
		return checkNames(path, i+1, list)
	}
	return nil, fmt.Errorf("%s: no names: key", path)
}

func checkNames(path string, line int, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("%s:%d: empty names list", path, line)
	}
	return names, nil
}

func stripComment(s string) string {
	// A # starts a comment unless quoted; class names rarely hold one.
	inQuote := byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote != 0 && c == inQuote:
			inQuote = 0
		case inQuote == 0 && (c == '\'' || c == '"'):
			inQuote = c
		case inQuote == 0 && c == '#':
			return s[:i]
		}
	}
	return s
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
