#!/bin/bash
# One device round (2026-11-26; the lab notebook has its results). Run from the repo root
# on a lent GPU machine with .device/ carried: .device/main38.safetensors (the policy for
# the search table, `pocketrl export`ed) and .device/numba/ (an optional numba cache).
# It runs main-world trainings on the GPU (issue 9), the search table on the CPU cores
# (issue 10) and a GPU bench (issue 12). Everything lands in $OUT/results.tgz; it stops
# itself LIMIT s after it starts. SMALL=1 DEV=cpu runs a tiny version here.
set -u
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD/src NUMBA_CPU_NAME=generic PYTHONUNBUFFERED=1
PY=${PY:-python3}; DEV=${DEV:-cuda}; LIMIT=${LIMIT:-560}; SMALL=${SMALL:-0}
find src -name "*.py" -exec touch -d "2026-01-01 00:00:00" {} +
# numba's cache, built off the device for Python 3.12 + numba 0.68.1 (generic CPU) from
# these sources with the same mtimes; a mismatch only means a compile here
mkdir -p src/pocketrl/games/gridmon/core/__pycache__ && cp .device/numba/* src/pocketrl/games/gridmon/core/__pycache__/ 2>/dev/null
R=/tmp/r; rm -rf $R; mkdir -p $R/bundles
T0=$(date +%s)
el() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a $R/timeline.txt; }
pack() { tar czf $OUT/results.tgz --exclude=checkpoints --exclude=tb -C $R . ; el packed; }
trap pack EXIT
{ nvidia-smi -L; $PY -c "import torch,numba,numpy,sys; print(sys.version); print('torch', torch.__version__, 'numba', numba.__version__, 'numpy', numpy.__version__, 'cuda', torch.cuda.is_available())"; nproc; lscpu | grep -i "model name"; } > $R/env.txt 2>&1
$PY benchmarks/device_warm.py > $R/warm.txt 2>&1; el "warm: $(cat $R/warm.txt | tail -1)"
P="$PY -m pocketrl"
# --- phase 1, alone: speed (issue 12) ------------------------------------------------
[ $SMALL = 0 ] && { timeout 45 $P bench train --set device=\"$DEV\" > $R/bench-$DEV.txt 2>&1; el bench $DEV; }
# --- phase 2: main-world trainings on the GPU, with the search table on the CPU -------
NOW=$(( $(date +%s) - T0 )); MIN=$(python3 -c "print(max(0.5, ($LIMIT - $NOW - 110) / 60))")
[ $SMALL = 1 ] && MIN=0.3
el "training $MIN min each"
for spec in default-s0:gridmon-default:0 default-s1:gridmon-default:1 champion-s0:gridmon-champion:0 champion-s1:gridmon-champion:1; do
  IFS=: read name preset seed <<< "$spec"
  $P train --preset $preset --seed $seed --minutes $MIN --device $DEV --set torch_threads=2 --set heatmap_minutes=1 --run-dir $R/$name --no-progress > $R/$name.log 2>&1 &
done
S="--envs 64 --steps 4000 --no-media"; [ $SMALL = 1 ] && S="--envs 4 --steps 200 --no-media"
B=.device/main38.safetensors; TL=$(( LIMIT - NOW - 30 ))
OMP_NUM_THREADS=2 timeout $TL $P eval $B $S --seed 0 --out $R/s-policy > $R/s-policy.txt 2>&1 &
OMP_NUM_THREADS=5 timeout $TL $P eval $B $S --seed 0 --search 8 --search-depth 32 --search-every 4 --out $R/s-policy-search > $R/s-policy-search.txt 2>&1 &
OMP_NUM_THREADS=1 timeout $TL $P eval --agent random --world main $S --seed 0 --out $R/s-random > $R/s-random.txt 2>&1 &
OMP_NUM_THREADS=2 timeout $TL $P eval --agent random --world main $S --seed 0 --search 8 --search-depth 32 --search-every 4 --out $R/s-random-search > $R/s-random-search.txt 2>&1 &
sleep 5; while pgrep -f "pocketrl train" > /dev/null; do sleep 2; done; el trained
# --- phase 3: each trained policy alone, new games, and its bundle --------------------
E="--envs 64 --steps 20000 --no-media"; [ $SMALL = 1 ] && E="--envs 4 --steps 100 --no-media"
for name in default-s0 default-s1 champion-s0 champion-s1; do
  OMP_NUM_THREADS=2 timeout 60 $P eval $R/$name $E --seed 0 --out $R/$name-eval > $R/$name-eval.txt 2>&1 &
  $P export $R/$name --out $R/bundles --name main-$name > /dev/null 2>&1 &
done
while pgrep -f "pocketrl (eval|export)" > /dev/null; do sleep 2; done; el evaluated
