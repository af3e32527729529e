package kernels

import (
	"sort"
	"strings"
)

// featureList formats named CPU features as "A B -C" (minus: absent).
func featureList(have map[string]bool) string {
	names := make([]string, 0, len(have))
	for n := range have {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		if !have[n] {
			names[i] = "-" + n
		}
	}
	return strings.Join(names, " ")
}
