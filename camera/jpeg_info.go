package camera

// jpegSize reads the frame size from the first SOFn segment of a JPEG without
// decoding it. ok is false when no SOF appears before SOS or the data ends.
func jpegSize(data []byte) (width, height int, ok bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0, 0, false
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return 0, 0, false
		}
		m := data[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		if m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			i += 2
			continue
		}
		if m == 0xD9 || m == 0xDA {
			return 0, 0, false
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 {
			return 0, 0, false
		}
		isSOF := m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
		if isSOF {
			if n < 7 || i+9 > len(data) {
				return 0, 0, false
			}
			height = int(data[i+5])<<8 | int(data[i+6])
			width = int(data[i+7])<<8 | int(data[i+8])
			return width, height, width > 0 && height > 0
		}
		i += 2 + n
	}
	return 0, 0, false
}
