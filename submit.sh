#!/usr/bin/env bash
# Runs twolayer-spark: ./submit.sh COMMAND [--conf FILE] [--KEY VALUE ...]; ./submit.sh --help lists the
# commands, ./submit.sh COMMAND --help a command's settings, ./submit.sh completion > twolayer.bash the
# bash completion.
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set; otherwise Spark from the project's own
# dependency jars. Builds the jar when it is missing or older than the sources.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$HERE/target/twolayer-spark.jar"
JARS="$HERE/target/spark-home/jars"
DRIVER_MEMORY_GIVEN="${DRIVER_MEMORY:-}"
DRIVER_MEMORY="${DRIVER_MEMORY:-6g}" # the driver JVM's heap (with a local master, the executors' too)
if ! [[ "$DRIVER_MEMORY" =~ ^[0-9]+[kKmMgGtT]?$ ]]; then
  echo "error: DRIVER_MEMORY: '$DRIVER_MEMORY' is not a JVM memory size (a number with an optional k, m, g or t, e.g. 6g)" >&2
  exit 2
fi

# The master: --master on the command line, else the conf file's, else conf/train.properties'.
master="" conf="$HERE/conf/train.properties" prev=""
for a in "$@"; do
  case "$prev" in --master) master="$a" ;; --conf) conf="$a" ;; esac
  case "$a" in --master=*) master="${a#--master=}" ;; --conf=*) conf="${a#--conf=}" ;; esac
  prev="$a"
done
[ -n "$master" ] || master="$(sed -n 's/^[[:space:]]*master[[:space:]]*[=:][[:space:]]*//p' "$conf" 2>/dev/null | tail -n 1)"
[ -n "$master" ] || master="$(sed -n 's/^master=//p' "$HERE/conf/train.properties")"

# --deploy-mode goes to spark-submit, not to the command: with "cluster" the driver runs on a machine of
# the cluster (its files, --data and --out, must be paths that machine reaches).
deploy="client" args=() prev=""
for a in "$@"; do
  if [ "$prev" = --deploy-mode ]; then deploy="$a"; prev=""; continue; fi
  case "$a" in
    --deploy-mode) prev="$a"; continue ;;
    --deploy-mode=*) deploy="${a#--deploy-mode=}"; continue ;;
  esac
  args+=("$a")
done
if [ "$prev" = --deploy-mode ]; then echo "error: --deploy-mode: no value given (client or cluster)" >&2; exit 2; fi
set -- ${args[@]+"${args[@]}"}
# the forms spark-submit takes (it would refuse any other with a stack trace, exit 1)
case "$master" in
  local|local\[?*\]|local-cluster\[?*\]|spark://?*|yarn|k8s://?*) ;;
  *) echo "error: --master: '$master' is not a Spark master URL (local[N], spark://HOST:PORT, yarn or k8s://https://HOST:PORT)" >&2
    exit 2 ;;
esac
case "$deploy" in
  client) ;;
  cluster) case "$master" in local|local\[*|local-cluster\[*)
    echo "error: --deploy-mode cluster: the master is $master, which runs the driver here; give a cluster's (spark://HOST:7077, yarn, k8s://...)" >&2
    exit 2 ;; esac ;;
  *) echo "error: --deploy-mode: '$deploy' is neither client nor cluster" >&2; exit 2 ;;
esac
# A Spark installation's spark-submit (SPARK_HOME), or none: Spark from the project's own jars. Those hold
# local mode and the standalone cluster manager: YARN's and Kubernetes' modules come with an installation
# (spark-yarn 4.1.0 is not among the Maven artifacts served here).
INSTALLED_SUBMIT=""
if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then INSTALLED_SUBMIT="$SPARK_HOME/bin/spark-submit"; fi
if [ -z "$INSTALLED_SUBMIT" ]; then
  case "$master" in
    yarn*|k8s://*) [ "${master%%:*}" = k8s ] && manager=Kubernetes || manager=YARN
      echo "error: --master $master: the project's own Spark jars have no $manager support; set SPARK_HOME to a Spark 4.1 (Scala 2.13) installation that has it" >&2
      exit 2 ;;
  esac
fi
# a worker reserves a cluster-mode driver's memory: 2g unless given (the data and the tasks live on the executors)
if [ "$deploy" = cluster ] && [ -z "$DRIVER_MEMORY_GIVEN" ]; then DRIVER_MEMORY=2g; fi

if [ ! -f "$JAR" ] || [ ! -d "$JARS" ] || [ -n "$(find "$HERE/src/main" "$HERE/conf" "$HERE/pom.xml" -newer "$JAR" -print -quit)" ]; then
  echo "building $JAR ..." >&2
  # also fills target/spark-home/jars; Maven's console library writes colour resets (ESC[0m) even in
  # batch mode (-B, -Dstyle.color=never): they are taken out of what it prints
  (cd "$HERE" && mvn -q -B -DskipTests package 2>&1) | sed 's/\x1b\[[0-9;]*m//g' >&2
fi

# Help, version and completion start no Spark: the plain JVM answers (0.3 s instead of Spark's launcher).
no_spark=""
case "${1:-}" in ""|help|completion|-h|--help|-V|--version) no_spark=1 ;; esac
for a in "$@"; do case "$a" in -h|--help) no_spark=1 ;; esac; done
if [ -n "$no_spark" ]; then exec java -cp "$JARS/*:$JAR" twolayer.cli.Main "$@"; fi

# One BLAS thread per Spark task: tasks already use every core.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
# The driver's JVM options (DRIVER_JVM) and the executors' (EXECUTOR_JVM). A local master's executors are
# threads of the driver's JVM: what suits them goes on the driver. With any other master the blocks and
# the tasks live on the executors instead. With a local master:
# - Loopback only: a local master talks to itself.
# - The cached blocks (about 150 MB of pixel bytes; 600 MB of floats when this was measured) are fresh
#   driver heap, whose first touch is slow on some VMs: huge pages where this kernel leaves them to the program ("madvise"; measured here, loading went from
#   3.9-4.5 s to 3.2-3.7 s).
# - The heap at half its maximum from the start (-Xms): G1 starts it small, and with the blocks above
#   its 45% mark it ran a concurrent cycle after nearly every collection until the heap had grown
#   (measured here, tuned preset, first epoch: 65-306 pauses taking 0.67-1.8 s, against 6 taking 0.12 s
#   from 6 GB; the epoch ended 1.5-3 s sooner). Not the whole maximum: G1 then spread its short-lived
#   arrays over all of it, and 4 epochs peaked at 4.3 GB of RSS against 2.1-2.2 GB from 3 GB, as fast.
# Every JVM of the run, driver and executors, whatever the master: C1 only (C1=0 for the default
# tiers). The hot math is native BLAS, while C2 spent a core for the first minute compiling Spark's
# scheduler as it trained (tuned preset, local master, measured here: first val >= 0.50 after 36.6 s
# with C2, 30.9-32.0 s with C1; the whole run 136.7 s against 128.4 s, same bits). C1 compiles cheaply,
# so it compiles early: Spark's per-job code, run once per iteration, is otherwise interpreted for the
# first 200 iterations (they took 3.3-4.1 s at a tenth of the default thresholds against 5.2-6.4 s at
# the default). On a cluster the executors' JVMs start with the run and warm up during it.
mebibytes() { # a JVM memory size (bytes, or with a k, m, g or t suffix) in MiB
  local n="${1%[kKmMgGtT]}"
  case "$1" in *[kK]) echo $((n / 1024)) ;; *[mM]) echo "$n" ;; *[gG]) echo $((n * 1024)) ;;
    *[tT]) echo $((n * 1048576)) ;; *) echo $((n / 1048576)) ;; esac
}
JIT=""
if [ "${C1:-1}" != 0 ]; then JIT="-XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1"; fi
# Where the tasks run in other JVMs (any other master), each JVM's heap is committed and touched when it
# starts (-Xms, -XX:+AlwaysPreTouch): every iteration allocates megabytes of weights, broadcast pieces
# and partial sums, and on this VM a first touch of fresh heap is slow; G1 grows the heap into fresh
# memory for minutes. Measured on scripts/cluster.sh's cluster, defaults, 300 iterations: 29-34 ms per
# iteration against 38-40 ms. Executors get half of EXECUTOR_MEMORY, the driver (no cached data) 1 GB.
# Executors' heaps also ask for transparent huge pages (nothing changes where a worker's kernel has them "never"
# or "always"): BLAS walks megabytes of weights, rows and sums through the heap. With 2 MB pages the
# cluster's tasks computed about 6% faster at H=500, B=2000 (measured here, 2 workers, nine runs each in
# turn: compute 80.7 against 86.2 ms, iterations 145.5 against 152.1 ms, faster in 7 of the 9 pairs);
# the defaults were unchanged.
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-2g}"
if ! [[ "$EXECUTOR_MEMORY" =~ ^[0-9]+[kKmMgGtT]?$ ]]; then
  echo "error: EXECUTOR_MEMORY: '$EXECUTOR_MEMORY' is not a JVM memory size (a number with an optional k, m, g or t, e.g. 2g)" >&2
  exit 2
fi
DRIVER_MIB="$(mebibytes "$DRIVER_MEMORY")"
# 1 GB, or all of a smaller heap; in 2 MB pages the touch takes half the time (0.9 against 1.8 s here)
DRIVER_JVM="-Xms$((DRIVER_MIB < 1024 ? DRIVER_MIB : 1024))m -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages"
EXECUTOR_JVM="-Xms$(($(mebibytes "$EXECUTOR_MEMORY") / 2))m -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages"
# A local master, or a cluster on this machine's loopback: the driver binds to loopback too, where its
# executors reach it, and Spark does not warn that the hostname resolves to a loopback address (it would
# bind to another interface's address)
case "$master" in local|local\[*|local-cluster\[*|spark://127.*|spark://localhost|spark://localhost:*)
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
esac
case "$master" in local|local\[*) # local-cluster[...] runs executors in JVMs of their own
  DRIVER_JVM=""
  if grep -qs '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then DRIVER_JVM="-XX:+UseTransparentHugePages"; fi
  DRIVER_JVM="$DRIVER_JVM -Xms$(($(mebibytes "$DRIVER_MEMORY") / 2))m" ;;
esac
LOG_CONF="-Dlog4j2.configurationFile=file:$HERE/conf/log4j2.properties"
SPARK_ARGS=(--master "$master" --class twolayer.cli.Main --name "twolayer-spark ${1:-}"
  --executor-memory "$EXECUTOR_MEMORY"
  --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1
  --conf spark.plugins=twolayer.metrics.TrainingMetrics # training's gauges in Spark's metrics sinks
  --conf "spark.executor.extraJavaOptions=$LOG_CONF $JIT $EXECUTOR_JVM ${EXECUTOR_JAVA_OPTS:-}")

# Cluster deploy mode: the jar is the application, and the driver's options travel with it (this machine's
# log settings stay here). On a standalone cluster spark-submit waits for the driver and, whatever became of
# it, exits 0: its last line names the driver's state, which decides the exit code here (1 unless FINISHED).
if [ "$deploy" = cluster ]; then
  SPARK_ARGS+=(--deploy-mode cluster --driver-memory "$DRIVER_MEMORY" --driver-java-options "$JIT $DRIVER_JVM")
  if [ -n "$INSTALLED_SUBMIT" ]; then
    export SPARK_SUBMIT_OPTS="${SPARK_SUBMIT_OPTS:-} $LOG_CONF"
    SUBMIT=("$INSTALLED_SUBMIT")
  else
    SUBMIT=(java ${JAVA_OPTS:-} "$LOG_CONF" -cp "$JARS/*" org.apache.spark.deploy.SparkSubmit)
  fi
  case "$master" in spark://*) ;; *) exec "${SUBMIT[@]}" "${SPARK_ARGS[@]}" "$JAR" "$@" ;; esac
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  "${SUBMIT[@]}" "${SPARK_ARGS[@]}" --conf spark.standalone.submit.waitAppCompletion=true "file://$JAR" "$@" 2>&1 \
    | tee "$log" >&2 || true
  # "State of driver driver-... is FINISHED, exiting spark-submit JVM.": the driver and its state
  set -- $(sed -n 's/.*State of driver \(driver-[^ ]*\) is \([A-Z_]*\), exiting spark-submit JVM.*/\1 \2/p' "$log" | tail -n 1)
  if [ "${2:-}" = FINISHED ]; then exit 0; fi
  if [ -z "${1:-}" ]; then echo "error: spark-submit ended without the driver's final state (above)" >&2; exit 1; fi
  echo "error: driver $1 ended $2 (its own output: work/$1/stderr on the worker that ran it)" >&2
  exit 1
fi

if [ -n "$INSTALLED_SUBMIT" ]; then
  exec "$INSTALLED_SUBMIT" "${SPARK_ARGS[@]}" --driver-memory "$DRIVER_MEMORY" \
    --driver-java-options "$LOG_CONF $JIT $DRIVER_JVM" "$JAR" "$@"
fi

# missing, or older than the jars (or than the other files named)
stale() { [ ! -s "$1" ] || [ -n "$(find "$JARS" "${@:2}" -newer "$1" -print -quit 2>/dev/null)" ]; }

# Spark's own launcher in this JVM; Java 17 needs Spark's --add-opens list for the driver. Spark's jars
# say what it is, and asking them takes a JVM (0.2 s here): it is kept beside them until they change.
# Where native BLAS loads the list goes without the Vector API module (see JavaOpens), so it is asked
# again when the system's libraries change (installing OpenBLAS updates /etc/ld.so.cache).
OPENS_FILE="$JARS/../java-options.txt"
LIBS=()
if [ -e /etc/ld.so.cache ]; then LIBS=(/etc/ld.so.cache); fi
if stale "$OPENS_FILE" "${LIBS[@]}"; then
  OPENS="$(java -cp "$JARS/*:$JAR" twolayer.cli.JavaOpens)"
  { echo "$OPENS" > "$OPENS_FILE.$$" && mv -f "$OPENS_FILE.$$" "$OPENS_FILE"; } 2>/dev/null || rm -f "$OPENS_FILE.$$"
else
  OPENS="$(cat "$OPENS_FILE")"
fi
export SPARK_HOME="$HERE/target/spark-home" SPARK_SCALA_VERSION=2.13

# Class data sharing: the classes every command starts by loading (Spark's, mostly) are mapped from an
# archive instead of read and verified from the jars (measured here: data loaded about 1.5 s sooner).
# A short Spark run makes the archive when it is missing or older than Spark's jars or the project's (an
# archive made with another build of the project's classes cost 1.7-2.2 ms per iteration); CDS=0 turns it off.
CDS_OPTS=()
CDS_QUIET=(-Xlog:cds=off -Xlog:cds+dynamic=off) # -Xshare:auto (the default) ignores an archive this JDK cannot use
JSA="$JARS/../twolayer-cds.jsa"
if [ "${CDS:-1}" != 0 ]; then
  # made again for other JVM options (kept beside it) too; a failed attempt waits for new jars
  if { stale "$JSA" "$JAR" || [ "$(cat "$JSA.options" 2>/dev/null)" != "$OPENS" ]; } && stale "$JSA.failed"; then
    echo "archiving start-up classes (once) ..." >&2
    SPARK_LOCAL_IP=127.0.0.1 java $OPENS -XX:ArchiveClassesAtExit="$JSA.$$" "${CDS_QUIET[@]}" \
      -Xmx1g "$LOG_CONF" -cp "$JARS/*" org.apache.spark.deploy.SparkSubmit --master "local[2]" \
      --class twolayer.cli.Main "$JAR" cds-warmup >/dev/null 2>&1 && mv -f "$JSA.$$" "$JSA" \
      && echo "$OPENS" > "$JSA.options" || { rm -f "$JSA.$$"; echo failed > "$JSA.failed"; }
  fi
  [ -s "$JSA" ] && CDS_OPTS=(-XX:SharedArchiveFile="$JSA" "${CDS_QUIET[@]}")
fi
# The jar is on the driver's classpath (after the archived jars, so the archive still applies), not
# Spark's primary resource: a local master's executors, threads of this JVM, need nothing else, where
# Spark would fetch the jar from itself and copy it for them (0.17 s here); any other master's
# executors get it through --jars.
case "$master" in local|local\[*) APP_JARS=() ;; *) APP_JARS=(--jars "$JAR") ;; esac
exec java $OPENS $JIT $DRIVER_JVM "${CDS_OPTS[@]}" ${JAVA_OPTS:-} -Xmx"$DRIVER_MEMORY" "$LOG_CONF" -cp "$JARS/*:$JAR" \
  org.apache.spark.deploy.SparkSubmit "${SPARK_ARGS[@]}" "${APP_JARS[@]}" spark-internal "$@"
