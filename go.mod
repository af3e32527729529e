module github.com/retina-edge/retina

go 1.26

require (
	github.com/blackjack/webcam v0.6.1 // indirect
	github.com/klauspost/cpuid/v2 v2.4.2 // indirect
	github.com/nlpodyssey/gopickle v0.2.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)
