#!/usr/bin/env bash
# regen-all.sh [DIR...]
#
# Rebuilds plan.json for every fixture case made from Terraform sources: each directory under
# fixtures/ (or under the DIRs given) that holds both main.tf and expected.json. One stand-in
# provider serves every case. fixtures/graph/ is not touched: its plans come from multi-step runs
# (apply, then plan) recorded in fixtures/graph/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

if [ $# -eq 0 ]; then
    set -- "$ROOT/fixtures"
fi

cases=()
while IFS= read -r -d '' main; do
    dir="$(dirname "$main")"
    case "$dir" in
        */fixtures/graph/*|*/.terraform/*) continue ;;
    esac
    [ -f "$dir/expected.json" ] && cases+=("$dir")
done < <(find "$@" -name main.tf -print0 | sort -z)

if [ ${#cases[@]} -eq 0 ]; then
    echo "regen-all.sh: no case directories (main.tf + expected.json) under $*" >&2
    exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/planbuilder-all.XXXXXX")"
cleanup() {
    if [ -n "${PLANBUILDER_PROVIDER_PID:-}" ]; then
        kill "$PLANBUILDER_PROVIDER_PID" 2>/dev/null || true
        wait "$PLANBUILDER_PROVIDER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
planbuilder_start_provider "$WORK"
export PLANBUILDER_REATTACH PLANBUILDER_PYTHON="$PLANBUILDER_PY"

failed=0
for dir in "${cases[@]}"; do
    if ! "$HERE/build.sh" "$dir"; then
        failed=$((failed + 1))
    fi
done
echo "regen-all.sh: ${#cases[@]} cases, $failed failed"
[ "$failed" -eq 0 ]
