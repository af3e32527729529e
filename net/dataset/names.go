package dataset

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/retina-edge/retina/internal/capped"
)

// readNamesFile reads class names: one per line (classes.txt, obj.names,
// labels.txt), or the names of a YOLO data.yaml.
func readNamesFile(path string, o LoadOptions) ([]string, error) {
	data, err := capped.ReadFile(path, o.maxFile(defaultMaxFile))
	if err != nil {
		return nil, err
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		return parseYAMLNames(path, data)
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
