package main

import "strconv"

// count is n and the noun that agrees with it: "1 detection", "0 detections".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
