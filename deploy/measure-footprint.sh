#!/usr/bin/env bash
# Measures the packaged service's memory and CPU while it polls, to size deploy/kubernetes/deployment.yaml.
# Uses dev mode (./mvnw quarkus:dev) as the Partner Center simulator and Kafka, and the packaged JVM jar
# (./mvnw package -DskipTests first) as the service under measurement, with -Xmx256m like the container default.
#   deploy/measure-footprint.sh [seconds=120] [accounts=10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
accounts=${2:-10}
work=target/footprint
mkdir -p "$work"
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "run ./mvnw package -DskipTests first" >&2; exit 1; }

./mvnw -q quarkus:dev -Dquarkus.console.enabled=false -Dbalance-stream.dev.kafka-port=29092 \
  -Dquarkus.http.port=28080 > "$work/dev.log" 2>&1 &
dev=$!
cleanup() { kill "${service:-}" 2>/dev/null || true; kill "$dev" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
until curl -sf localhost:28080/q/health/live > /dev/null; do sleep 1; done

args=(-Xmx256m -Dquarkus.http.port=28081 -Dkafka.bootstrap.servers=localhost:29092
      -Dbalance-stream.kafka.topic=footprint.balance-changed -Dbalance-stream.poll-interval=1s)
for i in $(seq 1 "$accounts"); do
  base="http://localhost:28080/simulator/footprint-$i"
  args+=(-Dbalance-stream.accounts.a$i.tenant-id=footprint-$i -Dbalance-stream.accounts.a$i.client-id=c$i
         -Dbalance-stream.accounts.a$i.client-secret=s$i -Dbalance-stream.accounts.a$i.api-url=$base
         -Dbalance-stream.accounts.a$i.token-url=$base/oauth2/v2.0/token)
done
java "${args[@]}" -jar target/quarkus-app/quarkus-run.jar > "$work/service.log" 2>&1 &
service=$!
start=$(date +%s)
peak=0
while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
  for i in $(seq 1 "$accounts"); do
    curl -sf -X PUT "localhost:28080/simulator/footprint-$i/control/balance" -H 'Content-Type: text/plain' \
      -d "$RANDOM.$(( RANDOM % 100 ))" > /dev/null || true
  done
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$service/status")
  [ "$rss" -gt "$peak" ] && peak=$rss
  sleep 2
done
ticks=$(awk '{print $14 + $15}' "/proc/$service/stat")
hz=$(getconf CLK_TCK)
events=$(grep -c 'Published event' "$work/service.log" || true)
echo "accounts=$accounts seconds=$seconds events=$events peak_rss_mib=$(( peak / 1024 )) cpu_seconds=$(( ticks / hz ))"
