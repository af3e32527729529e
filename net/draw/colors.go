package draw

import "image/color"

// palette holds distinct, saturated colours (Tableau-like) so that
// neighbouring class indices are easy to tell apart.
var palette = [...]color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255}, {255, 215, 0, 255}, {0, 128, 128, 255},
	{255, 20, 147, 255}, {0, 255, 127, 255}, {70, 130, 180, 255}, {210, 105, 30, 255},
}

// ClassColor is the colour boxes of a class are drawn in. Negative classes
// are allowed (they wrap like positive ones).
func ClassColor(class int) color.RGBA {
	i := class % len(palette)
	if i < 0 {
		i += len(palette)
	}
	return palette[i]
}

// textColor is black on light backgrounds and white on dark ones.
func textColor(bg color.RGBA) color.RGBA {
	// Rec. 601 luma, scaled by 1000.
	if 299*int(bg.R)+587*int(bg.G)+114*int(bg.B) > 140000 {
		return color.RGBA{0, 0, 0, 255}
	}
	return color.RGBA{255, 255, 255, 255}
}
