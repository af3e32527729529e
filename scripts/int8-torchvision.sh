#!/usr/bin/env bash
# The int8 agreement figure on a real torchvision model: trains torchvision's
# RetinaNet ResNet-18-FPN in PyTorch on synth shapes (tools/train_torchvision_synth.py),
# imports it, quantizes it (calibrated on the validation set) and counts the
# float detections scoring >= 0.3 on the held-out set that int8 reproduces at
# IoU >= 0.9 (scripts/int8-agreement.py). Run by hand (~25 min on 2 cores).
# Usage: scripts/int8-torchvision.sh [OUT] [STEPS]   (default /tmp/tv, 700)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/tv}
steps=${2:-700}
mkdir -p "$out"
go build -o "$out/retina" ./cmd/retina
r=$out/retina
[ -d "$out/train" ] || "$r" synth --out "$out/train" --n 8000 --size 256 --seed 11 --quiet
[ -d "$out/val" ] || "$r" synth --out "$out/val" --n 200 --size 256 --seed 12 --quiet
[ -d "$out/test" ] || "$r" synth --out "$out/test" --n 500 --size 256 --seed 13 --quiet
[ -f "$out/r18.pth" ] || /usr/bin/python3 tools/train_torchvision_synth.py --data "$out/train/annotations.json" \
  --steps "$steps" --out "$out/r18.pth"
# torchvision's labels are the COCO category ids: class 0 is never used.
printf '%s\n' __background__ circle square triangle star cross >"$out/classes.txt"
"$r" import --min-size 256 --max-size 256 --classes "$out/classes.txt" "$out/r18.pth" "$out/r18.safetensors"
"$r" quantize --model "$out/r18.safetensors" --calib "$out/val/annotations.json" --out "$out/r18-int8.safetensors" --quiet
"$r" detect --model "$out/r18.safetensors" --json --score-threshold 0.05 "$out"/test/images/*.jpg >"$out/float.jsonl"
"$r" detect --model "$out/r18-int8.safetensors" --json --score-threshold 0.05 "$out"/test/images/*.jpg >"$out/int8.jsonl"
/usr/bin/python3 scripts/int8-agreement.py "$out/float.jsonl" "$out/int8.jsonl" --score 0.3 --iou 0.9
