package dataset

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yoloDataYAML is the part of a YOLO data.yaml that names the classes.
// Rest takes every other key so the YAML library decodes (and bounds the
// alias expansion of) the whole document, not just names.
type yoloDataYAML struct {
	Names yaml.Node      `yaml:"names"`
	NC    *int           `yaml:"nc"`
	Rest  map[string]any `yaml:",inline"`
}

// parseYAMLNames reads the names of a YOLO data.yaml, in the forms YOLO
// tools write: a list (flow [a, b] or block "- a") or a map from class
// index to name (flow {0: a} or block "0: a"). A map must hold every index
// from 0 once; nc, when present, must equal the number of names.
func parseYAMLNames(path string, data []byte) ([]string, error) {
	var doc yoloDataYAML
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a YOLO data.yaml: %s", path, yamlMessage(err))
	}
	node := resolveAlias(&doc.Names)
	var names []string
	var err error
	switch node.Kind {
	case 0:
		return nil, fmt.Errorf("%s: no names: key (want names: [a, b] or names: {0: a, 1: b})", path)
	case yaml.SequenceNode:
		names, err = yamlNameList(path, node)
	case yaml.MappingNode:
		names, err = yamlNameMap(path, node)
	default:
		return nil, fmt.Errorf("%s:%d: names must be a list or a map from class index to name", path, node.Line)
	}
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s:%d: empty names", path, node.Line)
	}
	if doc.NC != nil && *doc.NC != len(names) {
		return nil, fmt.Errorf("%s: nc is %d but names has %d classes", path, *doc.NC, len(names))
	}
	return names, nil
}

func yamlNameList(path string, list *yaml.Node) ([]string, error) {
	names := make([]string, 0, len(list.Content))
	for _, item := range list.Content {
		name, err := yamlName(path, item)
		if err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, nil
}

func yamlNameMap(path string, m *yaml.Node) ([]string, error) {
	byIndex := make(map[int]string, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		key := resolveAlias(m.Content[i])
		idx, err := strconv.Atoi(key.Value)
		if key.Kind != yaml.ScalarNode || err != nil {
			return nil, fmt.Errorf("%s:%d: names key %q is not a class index (want 0: name)", path, key.Line, key.Value)
		}
		if idx < 0 {
			return nil, fmt.Errorf("%s:%d: negative class index %d", path, key.Line, idx)
		}
		if _, dup := byIndex[idx]; dup {
			return nil, fmt.Errorf("%s:%d: class index %d appears twice", path, key.Line, idx)
		}
		if byIndex[idx], err = yamlName(path, m.Content[i+1]); err != nil {
			return nil, err
		}
	}
	names := make([]string, len(byIndex))
	for i := range names {
		name, ok := byIndex[i]
		if !ok {
			return nil, fmt.Errorf("%s:%d: names map has no index %d (indexes must be 0, 1, 2, ... in any order, without gaps)", path, m.Line, i)
		}
		names[i] = name
	}
	return names, nil
}

// yamlName is one class name: a non-empty scalar (numbers are names too).
func yamlName(path string, n *yaml.Node) (string, error) {
	n = resolveAlias(n)
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("%s:%d: a class name must be a string, not a list or map", path, n.Line)
	}
	if name := strings.TrimSpace(n.Value); name != "" {
		return name, nil
	}
	return "", fmt.Errorf("%s:%d: empty class name", path, n.Line)
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// yamlMessage is the YAML library's error on one line, without its prefix.
func yamlMessage(err error) string {
	if te, ok := err.(*yaml.TypeError); ok {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
