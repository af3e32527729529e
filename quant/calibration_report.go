package quant

import "encoding/json"

// calibrationInfo is the "calibration" metadata of a model file: how the
// activation ranges were chosen, for whoever inspects the file later.
type calibrationInfo struct {
	Rule   Rule              `json:"rule"`
	Images int               `json:"images"`
	Layers []calibratedLayer `json:"layers"`
}

type calibratedLayer struct {
	Key  string  `json:"key"`
	Rule Rule    `json:"rule"`
	SQNR float64 `json:"sqnr_db"`
}

func calibrationJSON(rule Rule, images int, report []LayerReport) string {
	info := calibrationInfo{Rule: rule, Images: images}
	for _, l := range report {
		db := l.SQNR
		if db > 999 { // +Inf (an exact tensor) has no JSON form
			db = 999
		}
		info.Layers = append(info.Layers, calibratedLayer{Key: l.Key, Rule: l.Rule, SQNR: db})
	}
	b, _ := json.Marshal(info) // plain strings and numbers: cannot fail
	return string(b)
}
