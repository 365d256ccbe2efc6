#!/usr/bin/env bash
# A Spark standalone cluster on this machine for development and tests: one Master and two Workers
# (1 core each) bound to 127.0.0.1, started from the project's own Spark jars.
#   scripts/cluster.sh start|stop|status
# Environment: WORKERS (2), WORKER_MEMORY (3g), MASTER_PORT (7077), CLUSTER_DIR (target/cluster),
# SPARK_AUTHENTICATE_SECRET (when set, the cluster requires spark.authenticate with this secret and
# encrypts its RPC traffic, spark.network.crypto.enabled; SPARK_NETWORK_CRYPTO=false turns that off).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SPARK_HOME="${CLUSTER_SPARK_HOME:-$HERE/target/spark-home}" SPARK_SCALA_VERSION=2.13
DIR="${CLUSTER_DIR:-$HERE/target/cluster}"
PORT="${MASTER_PORT:-7077}"
WORKERS="${WORKERS:-2}"
MEM="${WORKER_MEMORY:-3g}"
URL="spark://127.0.0.1:$PORT"

jars() {
  if [ ! -d "$SPARK_HOME/jars" ]; then
    (cd "$HERE" && mvn -q -B -DskipTests package) >&2 # fills target/spark-home/jars
  fi
}

# Starts a daemon JVM in the background and records its PID.
daemon() {
  local name="$1"; shift
  local opts=(-Xmx512m -Dlog4j2.configurationFile="file:$HERE/conf/log4j2.properties")
  if [ -n "${SPARK_AUTHENTICATE_SECRET:-}" ]; then
    # the REST submission server cannot authenticate: it must be off when the cluster requires a secret
    opts+=(-Dspark.authenticate=true -Dspark.authenticate.secret="$SPARK_AUTHENTICATE_SECRET"
      -Dspark.master.rest.enabled=false -Dspark.network.crypto.enabled="${SPARK_NETWORK_CRYPTO:-true}")
  fi
  # executors inherit the worker's environment: one BLAS thread per task (a task per core) unless an
  # application's spark.executorEnv says otherwise
  OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" SPARK_LOCAL_IP=127.0.0.1 \
    nohup java "${opts[@]}" -cp "$SPARK_HOME/jars/*" "$@" > "$DIR/$name.log" 2>&1 &
  echo $! > "$DIR/$name.pid"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  jars
  mkdir -p "$DIR"
  if alive "$DIR/master.pid"; then echo "already running: $URL"; return 0; fi
  daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port $((PORT + 1003))
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$DIR/work-$i"
    daemon "worker-$i" org.apache.spark.deploy.worker.Worker "$URL" --host 127.0.0.1 --cores 1 \
      --memory "$MEM" --webui-port $((PORT + 1003 + i)) --work-dir "$DIR/work-$i"
  done
  # ready when every worker has registered with the master
  for _ in $(seq 1 120); do
    if [ "$(grep -c 'Registering worker' "$DIR/master.log" 2>/dev/null)" -ge "$WORKERS" ]; then
      echo "cluster up: $URL ($WORKERS workers, 1 core each)"; return 0
    fi
    sleep 0.5
  done
  echo "cluster did not come up; see $DIR/*.log" >&2
  stop
  return 1
}

# Stops every process this script started, by PID: workers first (they stop their executors), then the master.
stop() {
  local f pid
  for f in "$DIR"/worker-*.pid "$DIR/master.pid"; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  # executors whose worker died with -9 would be orphans: end those started from our work dirs
  pkill -9 -f "$SPARK_HOME/jars/.*CoarseGrainedExecutorBackend.*--worker-url spark://Worker@127.0.0.1" 2>/dev/null || true
  echo "cluster stopped"
}

status() {
  local f
  for f in "$DIR/master.pid" "$DIR"/worker-*.pid; do
    [ -f "$f" ] || continue
    if alive "$f"; then echo "$(basename "$f" .pid): running (pid $(cat "$f"))"; else echo "$(basename "$f" .pid): dead"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
