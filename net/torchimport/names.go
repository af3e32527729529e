package torchimport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	// Before torchvision 0.13 the FPN blocks were bare convs ("inner_blocks.0.weight").
	oldFPNName = regexp.MustCompile(`^(backbone\.fpn\.(?:inner|layer)_blocks\.\d+)\.(weight|bias)$`)
	// Before 0.13 the head towers were Sequential(conv, relu, conv, relu, ...)
	// so convs sat at even indices ("conv.2.weight" is tower conv 1).
	oldHeadName = regexp.MustCompile(`^(head\.(?:classification|regression)_head\.conv)\.(\d+)\.(weight|bias)$`)
	newHeadName = regexp.MustCompile(`^head\.(?:classification|regression)_head\.conv\.\d+\.\d+\.`)
)

// normalizeNames maps checkpoint names to torchvision 0.14's: it strips a
// DataParallel "module." prefix, renames the pre-0.13 FPN and head layouts
// the way torchvision's own _load_from_state_dict does, and drops BatchNorm's
// num_batches_tracked counters. It returns new name -> checkpoint name.
func normalizeNames(names []string) (map[string]string, error) {
	prefix := ""
	if len(names) > 0 {
		prefix = "module."
		for _, n := range names {
			if !strings.HasPrefix(n, prefix) {
				prefix = ""
				break
			}
		}
	}
	newHeads := false
	for _, n := range names {
		if newHeadName.MatchString(strings.TrimPrefix(n, prefix)) {
			newHeads = true
		}
	}
	out := map[string]string{}
	for _, orig := range names {
		n := strings.TrimPrefix(orig, prefix)
		if strings.HasSuffix(n, ".num_batches_tracked") {
			continue
		}
		if m := oldFPNName.FindStringSubmatch(n); m != nil {
			n = m[1] + ".0." + m[2]
		} else if m := oldHeadName.FindStringSubmatch(n); m != nil && !newHeads {
			if i, _ := strconv.Atoi(m[2]); i%2 == 0 {
				n = fmt.Sprintf("%s.%d.0.%s", m[1], i/2, m[3])
			}
		}
		if prev, dup := out[n]; dup {
			return nil, fmt.Errorf("tensors %q and %q both map to %q", prev, orig, n)
		}
		out[n] = orig
	}
	return out, nil
}
