package synth

import "testing"

func BenchmarkRender256(b *testing.B) {
	opts, classes, err := Options{Seed: 1}.resolve()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		render(opts, classes, i)
	}
}
