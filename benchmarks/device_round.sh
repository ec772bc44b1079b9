#!/bin/bash
# A device round of trainings (issue 9; docs/experiments.md has each round's results).
# Run from the repo root on a lent GPU machine. RUNS lists the trainings, started at once
# on the one GPU, as "name:preset:seed:--set a=b --set c=d" separated by ';'; a preset
# written "@DIR" branches from the run in DIR instead (a copy of it, continued with
# `train --resume` and the --set changes; the seed field is ignored). Each
# trains until LIMIT s after the start less RESERVE s, for its policy to be evaluated
# alone (64 new games x EVAL_STEPS) and exported; everything lands in $OUT/results.tgz
# (logs, metrics.jsonl, heat-maps, eval.json, bundles) and the last checkpoints in
# $OUT/checkpoints.tgz.part* (compressed together, in parts under 16 MB); the policy
# snapshots (`--set snapshot_steps=N`, checkpoints/step-*.pt) in $OUT/snapshots.tgz, to be
# evaluated alone back on the box. EVAL=0 skips the eval and export (for fine-tuning
# rounds whose snapshots are evaluated afterwards: the time goes to training).
# SMALL=1 DEV=cpu runs a tiny version here, to check the script before spending a lease.
set -u
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD/src NUMBA_CPU_NAME=generic PYTHONUNBUFFERED=1
PY=${PY:-python3}; DEV=${DEV:-cuda}; LIMIT=${LIMIT:-560}; SMALL=${SMALL:-0}
EVAL_STEPS=${EVAL_STEPS:-20000}; EVAL=${EVAL:-1}; RESERVE=${RESERVE:-100}; OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
RUNS=${RUNS:-"champion-s0:gridmon-champion:0:;champion-s1:gridmon-champion:1:"}
R=/tmp/r; rm -rf $R; mkdir -p $R/bundles
T0=$(date +%s)
el() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a $R/timeline.txt; }
pack() {
  tar czf $OUT/results.tgz --exclude=checkpoints --exclude=tb -C $R .
  (cd $R && ls -d ./*/checkpoints/step-*.pt > /dev/null 2>&1 \
    && tar czf $OUT/snapshots.tgz ./*/checkpoints/step-*.pt)
  el packed
}
trap pack EXIT
trap 'exit 124' TERM
{ nvidia-smi -L; $PY -c "import torch,numba,numpy,sys; print(sys.version); print('torch', torch.__version__, 'numba', numba.__version__, 'numpy', numpy.__version__, 'cuda', torch.cuda.is_available())"; nproc; } > $R/env.txt 2>&1
$PY benchmarks/device_warm.py > $R/warm.txt 2>&1; el "warm: $(tail -1 $R/warm.txt)"
P="$PY -m pocketrl"
# --- trainings, all at once -------------------------------------------------------------
NOW=$(( $(date +%s) - T0 )); MIN=$(python3 -c "print(max(0.5, ($LIMIT - $NOW - $RESERVE) / 60))")
[ $SMALL = 1 ] && MIN=0.3 && EVAL_STEPS=100
el "training $MIN min each: $RUNS"
NAMES=()
IFS=';' read -ra SPECS <<< "$RUNS"
for spec in "${SPECS[@]}"; do
  IFS=: read -r name preset seed extra <<< "$spec"
  NAMES+=("$name")
  if [[ $preset == @* ]]; then  # a branch of an existing run
    cp -r "${preset#@}" $R/"$name"
    from=(--resume $R/"$name")
  else
    from=(--preset "$preset" --seed "$seed" --run-dir $R/"$name")
  fi
  # shellcheck disable=SC2086  # extra holds several --set words
  $P train "${from[@]}" --minutes "$MIN" --device "$DEV" \
    --set torch_threads=2 --set heatmap_minutes=1 $extra \
    --no-progress > $R/"$name".log 2>&1 &
done
wait; el trained
# --- each policy alone in new games, and its bundle -----------------------------------------
[ "$EVAL" = 1 ] && for name in "${NAMES[@]}"; do
  OMP_NUM_THREADS=2 timeout 70 $P eval $R/"$name" --envs 64 --steps "$EVAL_STEPS" --seed 0 \
    --no-media --out $R/"$name"-eval > $R/"$name"-eval.txt 2>&1 &
  $P export $R/"$name" --out $R/bundles --name main-"$name" > /dev/null 2>&1 &
done
wait; el evaluated
# every run's last checkpoint, compressed together (they shrink ~6x) and cut into parts
# under the 16 MB a file back from the device may have, so each run can be continued
# elsewhere: cat checkpoints.tgz.part* | tar xz  ->  NAME/checkpoints/latest.pt
CKPTS=()
for name in "${NAMES[@]}"; do
  [ -f $R/"$name"/checkpoints/latest.pt ] && CKPTS+=("$name"/checkpoints/latest.pt)
done
[ ${#CKPTS[@]} -gt 0 ] && tar czf - -C $R "${CKPTS[@]}" | split -b 15000000 -d - "$OUT/checkpoints.tgz.part"
