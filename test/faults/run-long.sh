#!/usr/bin/env bash
# The fault-injection suite at full size (20,000 connections per scenario, outages of 15-60 s):
# takes a quarter of an hour or more. Figures go to $FAULTS_REPORT (JSON lines), one per scenario.
#   test/faults/run-long.sh                  # all scenarios
#   test/faults/run-long.sh worker-kills     # one of them (a path pattern under test/faults)
#   FAULTS_SEED=123 test/faults/run-long.sh  # replay the random fault moments of a run
set -euo pipefail
cd "$(dirname "$0")/../.."
export FAULTS_LONG=1
export FAULTS_REPORT="${FAULTS_REPORT:-$(mktemp -t at-faults-XXXXXX.jsonl)}"
echo "loadavg before: $(cat /proc/loadavg)"
status=0
npx jest "test/faults/${1:-}" --selectProjects integration --testTimeout 3600000 || status=$?
echo "loadavg after: $(cat /proc/loadavg)"
echo "figures: $FAULTS_REPORT"
cat "$FAULTS_REPORT" 2>/dev/null || true
exit "$status"
