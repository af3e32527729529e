#!/bin/sh
# The acceptance run of README "A real model for a Pi without labelling": the embedded model teaches a student at
# 256x256 on 1500 synth frames whose annotations are deleted; both are scored on a held-out synth set neither saw,
# and timed with retina bench model. Usage: tools/distill-synth.sh RETINA_BINARY WORKDIR (about 40 minutes on 2 cores).
set -eu
retina=$(realpath "$1")
teacher=$(realpath "$(dirname "$0")/../testdata/default/model.safetensors")   # the embedded model's file
mkdir -p "$2" && cd "$2"
[ -d frames ] || { nice "$retina" synth --out src --n 1500 --size 256 --seed 31 --quiet && mv src/images frames && rm -r src; }
[ -d heldout ] || nice "$retina" synth --out heldout --n 500 --size 256 --seed 13 --quiet
nice "$retina" distill --frames frames --out run --size 256 --epochs 4 --lr 3e-4 --score-threshold 0.3 --flip --int8 --threads 2
for m in "" run/train/model.safetensors run/student_int8.safetensors; do
	echo "model ${m:-embedded (teacher)}:"
	nice "$retina" eval ${m:+--model "$m"} --data heldout/annotations.json --threads 2 | head -2
done
nice "$retina" eval --data heldout/annotations.json --min-size 256 --max-size 256 --threads 2 | head -2   # no distilling
for r in 1 2 3; do
	nice "$retina" bench model --model "$teacher" --size 448 --runs 20
	nice "$retina" bench model --model run/student_int8.safetensors --size 256 --runs 20
done
