# Sourced by bench/frontdoor.sh and bench/floor.sh: the shared harness's wrk cross-check (its README,
# "wrk, for targets faster than about 1–2k req/s"). The Python client spends more CPU a delivery than
# the scheduler does, on the same two cores, so past a few hundred deliveries a second its own
# scheduling is much of the latency it reports; wrk (C, two threads) drives the same signed
# deliveries, a new connection each (WRK_NEW_CONN=1: Connection: close), for far less CPU.
#
#   wrk_pool DIR            pre-signs WRK_POOL (20000) deliveries into DIR/deliveries.tsv, once
#   wrk_run PORT FAKE_PORT  WRK_SECONDS (4) at $clients connections; prints wrk's percentiles, the
#                           deliveries the fake counted and, given PID, that process's CPU a delivery
#
# Without wrk on PATH (apt-get install wrk) both print why and do nothing.
# Needs: $harness, $clients, $secret (the caller's).

wrk_pool() {
  wrk_tsv=
  if ! command -v wrk > /dev/null; then
    echo "   (no wrk on PATH, apt-get install wrk: no wrk cross-check)"
    return 0
  fi
  wrk_tsv=$1/deliveries.tsv
  python3 "$harness/webhook_load.py" gen-wrk --secret "$secret" -n "${WRK_POOL:-20000}" -o "$wrk_tsv" > /dev/null
}

wrk_run() {
  [ -n "${wrk_tsv:-}" ] || return 0
  local port=$1 fake_port=$2 pid=${3:-} before after cpu_before=0 cpu=0 out
  before=$(curl -fs "http://127.0.0.1:$fake_port/count" | sed -E 's/^\{"tasks": ([0-9]+).*/\1/')
  [ -n "$pid" ] && cpu_before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  # wrk counts each close of a Connection: close answer as a read error; the script's own summary
  # line counts the non-2xx answers.
  out=$(cd "$harness/wrk" && WRK_NEW_CONN=1 wrk -t2 -c"$clients" -d"${WRK_SECONDS:-4}s" --timeout 30s \
    --latency -s webhook.lua "http://127.0.0.1:$port/webhook" -- "$wrk_tsv" 2)
  [ -n "$pid" ] && cpu=$(($(awk '{ print $14 + $15 }' "/proc/$pid/stat") - cpu_before))
  after=$(curl -fs "http://127.0.0.1:$fake_port/count" | sed -E 's/^\{"tasks": ([0-9]+).*/\1/')
  echo "   wrk -t2 -c$clients, ${WRK_SECONDS:-4} s, a new connection each:" \
    "$(grep -E '^requests ' <<< "$out")"
  echo "     latency $(awk '$1 ~ /^(50|90|99)%$/ { printf "p%s %s  ", substr($1, 1, length($1) - 1), $2 }' <<< "$out")"
  echo -n "     fake tasks +$((after - before))"
  if [ -n "$pid" ]; then
    awk -v c="$cpu" -v t="$(getconf CLK_TCK)" -v n="$((after - before))" \
      'BEGIN { printf "; CPU %.2f ms a delivery\n", c * 1000 / t / n }'
  else
    echo
  fi
}
