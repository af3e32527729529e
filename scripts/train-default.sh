#!/usr/bin/env bash
# Trains retina's default edge model (testdata/default/model.safetensors) on
# synthetic shapes and scores it on a held-out synthetic set (another seed).
#   1. from scratch: 14 epochs of 4000 images (7000 steps of 8)
#   2. continued: 16 epochs of 8000 images (16000 steps), a new cosine cycle
#   3. at a larger input: 3 epochs at --size 320 (scale jitter 240..400 px),
#      lr 3e-4, so that small shapes meet the 16-px anchors of P3
#   4. nearer the input it runs at: 6 epochs at --size 384 (jitter 288..480),
#      a last cosine cycle from lr 4e-4
#   5. the smallest input size within 0.01 of the best validation AP is
#      stored in the model (the weights are unchanged)
# On 2 cores about 0.35-0.45 s per step at 256, 0.83 s at 384:
# ~45 min + ~1 h 45 min + ~30 min + ~1 h 30 min.
# Resumable: run it again with the same OUT and it continues from the last
# checkpoint (retina train --resume).
# Usage: scripts/train-default.sh [OUT]   (default /tmp/def)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/def}
mkdir -p "$out"
go build -o "$out/retina" ./cmd/retina
r=$out/retina
[ -d "$out/train4k" ] || "$r" synth --out "$out/train4k" --n 4000 --size 256 --seed 11 --quiet
[ -d "$out/train" ] || "$r" synth --out "$out/train" --n 8000 --size 256 --seed 11 --quiet
[ -d "$out/val" ] || "$r" synth --out "$out/val" --n 200 --size 256 --seed 12 --quiet
[ -d "$out/test" ] || "$r" synth --out "$out/test" --n 500 --size 256 --seed 13 --quiet

# stage DIR ARGS...: train into DIR, or resume it, unless it is finished.
stage() {
  local dir=$1; shift
  if [ -f "$dir/resume.safetensors" ] && [ ! -f "$dir/model.safetensors" ]; then
    "$r" train --resume "$dir"
  elif [ ! -f "$dir/model.safetensors" ]; then
    "$r" train --val "$out/val/annotations.json" --size 256 --batch 8 --warmup 300 --lr 1e-3 --schedule cosine \
      --checkpoint-every 250 --quiet --out "$dir" "$@"
  fi
}
stage "$out/run" --data "$out/train4k/annotations.json" --backbone edge --epochs 14 --seed 1
stage "$out/run2" --data "$out/train/annotations.json" --model "$out/run/model.safetensors" --freeze-backbone -1 \
  --epochs 16 --seed 2
stage "$out/run3" --data "$out/train/annotations.json" --model "$out/run2/model.safetensors" --freeze-backbone -1 \
  --epochs 3 --seed 3 --size 320 --lr 3e-4 --warmup 100
stage "$out/run4" --data "$out/train/annotations.json" --model "$out/run3/model.safetensors" --freeze-backbone -1 \
  --epochs 6 --seed 4 --size 384 --lr 4e-4 --warmup 200

# Every size step costs 16-21% more work per frame: keep the smallest size whose
# validation AP is within 0.01 of the best size's.
aps=()
for size in 320 352 384 416 448; do
  ap=$("$r" eval --model "$out/run4/model.safetensors" --data "$out/val/annotations.json" --min-size $size \
    --max-size $size --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["AP"])')
  echo "validation AP at input size $size: $ap"
  aps+=("$size:$ap")
done
best=$(/usr/bin/python3 -c '
import sys
aps = [(int(s), float(a)) for s, a in (x.split(":") for x in sys.argv[1:])]
top = max(a for _, a in aps)
print(min(s for s, a in aps if a >= top - 0.01))' "${aps[@]}")
echo "input size: $best"
go run scripts/set-input-size.go "$out/run4/model.safetensors" "$out/model.safetensors" $best $best
# The bar for the embedded default: AP50 >= 0.95 and AP >= 0.70 on the held-out set.
"$r" eval --model "$out/model.safetensors" --data "$out/test/annotations.json"
