#!/usr/bin/env bash
# build.sh CASE_DIR
#
# Runs `terraform init`, `terraform plan -out` and `terraform show -json` for CASE_DIR (a directory
# holding main.tf, and any local modules or a faked .terraform/modules install) against the stand-in
# AWS provider in provider/fakeaws.py, and writes CASE_DIR/plan.json: 2-space indented, with
# `timestamp` and `terraform_version` set to fixed values and the sets Terraform writes in varying
# order (`relevant_attributes`, the references of a multi-attribute block) sorted, so that re-runs
# are byte-identical.
#
# Terraform runs in a temporary copy of CASE_DIR: nothing but plan.json is written into it.
#
# Environment:
#   TERRAFORM             terraform binary (default: terraform on PATH; the fixtures use 1.11.4)
#   PLANBUILDER_PYTHON    python with requirements.txt installed (default: tools/planbuilder/.venv,
#                         created on first use with `python3 -m venv` and pip)
#   PLANBUILDER_REATTACH  a TF_REATTACH_PROVIDERS value for a provider that is already running
#                         (regen-all.sh starts one provider for every case); when unset, build.sh
#                         starts its own and stops it when done
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FIXED_TIMESTAMP="2026-01-01T00:00:00Z"
FIXED_TERRAFORM_VERSION="1.11.4"

if [ $# -ne 1 ] || [ ! -f "$1/main.tf" ]; then
    echo "usage: $0 CASE_DIR   (CASE_DIR must hold main.tf)" >&2
    exit 2
fi
CASE="$(cd "$1" && pwd)"
TERRAFORM="${TERRAFORM:-terraform}"

# shellcheck source=lib.sh
. "$HERE/lib.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/planbuilder.XXXXXX")"
PROVIDER_PID=""
cleanup() {
    if [ -n "$PROVIDER_PID" ]; then
        kill "$PROVIDER_PID" 2>/dev/null || true
        wait "$PROVIDER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${PLANBUILDER_REATTACH:-}" ]; then
    planbuilder_start_provider "$WORK/provider"
    PROVIDER_PID="$PLANBUILDER_PROVIDER_PID"
fi

mkdir "$WORK/case"
cp -a "$CASE/." "$WORK/case/"
rm -f "$WORK/case/plan.json" "$WORK/case/expected.json" "$WORK/case/README.md" "$WORK/case/.terraform.lock.hcl"

export TF_REATTACH_PROVIDERS="$PLANBUILDER_REATTACH"
export TF_CLI_CONFIG_FILE=/dev/null
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
unset TF_DATA_DIR TF_WORKSPACE

cd "$WORK/case"
init_args=(-input=false -no-color -backend=false)
# A faked registry-module install (.terraform/modules/modules.json) must not be re-fetched.
if [ -f .terraform/modules/modules.json ]; then
    init_args+=(-get=false)
fi
if ! "$TERRAFORM" init "${init_args[@]}" >"$WORK/init.log" 2>&1; then
    cat "$WORK/init.log" >&2
    echo "build.sh: terraform init failed for $CASE" >&2
    exit 1
fi
if ! "$TERRAFORM" plan -input=false -no-color -lock=false -out=tfplan >"$WORK/plan.txt" 2>&1; then
    cat "$WORK/plan.txt" >&2
    echo "build.sh: terraform plan failed for $CASE" >&2
    exit 1
fi
"$TERRAFORM" show -json tfplan >"$WORK/raw.json"

"$PLANBUILDER_PY" - "$WORK/raw.json" "$CASE/plan.json" "$FIXED_TIMESTAMP" "$FIXED_TERRAFORM_VERSION" <<'EOF'
import json, sys
raw, out, timestamp, version = sys.argv[1:5]
with open(raw) as f:
    doc = json.load(f)
if "timestamp" in doc:
    doc["timestamp"] = timestamp
# Terraform writes relevant_attributes (a set) in varying order: sort it.
if isinstance(doc.get("relevant_attributes"), list):
    doc["relevant_attributes"].sort(key=lambda r: json.dumps(r, sort_keys=True))


# The references of an expression that spans several attributes (an attributes-as-blocks `ingress`
# or `route` block) come out in varying order. Terraform lists each traversal followed by its
# shorter prefixes ("aws_vpc.main.id", "aws_vpc.main"): keep those groups, sort the groups.
def is_prefix(short, long):
    return long.startswith(short) and long[len(short):][:1] in (".", "[")


def sort_references(node):
    if isinstance(node, dict):
        refs = node.get("references")
        if isinstance(refs, list) and all(isinstance(r, str) for r in refs):
            groups = []
            for r in refs:
                if groups and is_prefix(r, groups[-1][-1]):
                    groups[-1].append(r)
                else:
                    groups.append([r])
            groups.sort()
            node["references"] = [r for g in groups for r in g]
        for v in node.values():
            sort_references(v)
    elif isinstance(node, list):
        for v in node:
            sort_references(v)


sort_references(doc.get("configuration"))
for d in (doc, doc.get("prior_state") or {}):
    if "terraform_version" in d:
        d["terraform_version"] = version
with open(out, "w") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
EOF
echo "$(basename "$(dirname "$CASE")")/$(basename "$CASE"): $(grep -E '^Plan:|^No changes' "$WORK/plan.txt" || echo '?')"
