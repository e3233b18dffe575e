# Shared by build.sh and regen-all.sh (sourced, not run).

# Sets PLANBUILDER_PY to a python that has requirements.txt installed.
planbuilder_python() {
    local here
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    if [ -n "${PLANBUILDER_PYTHON:-}" ]; then
        PLANBUILDER_PY="$PLANBUILDER_PYTHON"
        return
    fi
    PLANBUILDER_PY="$here/.venv/bin/python"
    if [ ! -x "$PLANBUILDER_PY" ] || ! "$PLANBUILDER_PY" -c 'import grpc, msgpack, google.protobuf' 2>/dev/null; then
        echo "planbuilder: creating $here/.venv from requirements.txt" >&2
        python3 -m venv "$here/.venv" >&2
        "$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt" >&2
    fi
}

# planbuilder_start_provider DIR: starts provider/fakeaws.py on a unix socket in DIR and sets
# PLANBUILDER_PROVIDER_PID and PLANBUILDER_REATTACH (a TF_REATTACH_PROVIDERS value).
planbuilder_start_provider() {
    local dir="$1" here sock i
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    mkdir -p "$dir"
    sock="$dir/fakeaws.sock"
    FAKEAWS_REGISTRY="$dir/registry.json" "$PLANBUILDER_PY" "$here/provider/fakeaws.py" "$sock" \
        >"$dir/provider.log" 2>&1 &
    PLANBUILDER_PROVIDER_PID=$!
    for i in $(seq 1 100); do
        if grep -q '^ready' "$dir/provider.log" 2>/dev/null; then
            break
        fi
        if ! kill -0 "$PLANBUILDER_PROVIDER_PID" 2>/dev/null; then
            cat "$dir/provider.log" >&2
            echo "planbuilder: the stand-in provider did not start" >&2
            return 1
        fi
        sleep 0.1
    done
    PLANBUILDER_REATTACH="{\"registry.terraform.io/hashicorp/aws\":{\"Protocol\":\"grpc\",\"ProtocolVersion\":6,\"Pid\":$PLANBUILDER_PROVIDER_PID,\"Test\":true,\"Addr\":{\"Network\":\"unix\",\"String\":\"$sock\"}}}"
}

planbuilder_python
