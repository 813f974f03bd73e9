#!/usr/bin/env bash
# Builds the runner (Cli/) and runs it: ./run-conformance.sh [VERB] [ARGS...]; with no verb, the main job.
# Twin of run-conformance.ps1. No logic here: the runner owns the verbs and the exit codes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! build_log=$(dotnet build Cli/Xsave.Cli.csproj -c Release -v q --nologo 2>&1); then
    printf '%s\n' "$build_log" >&2
    echo "run-conformance: build of Cli/Xsave.Cli.csproj failed" >&2
    exit 3
fi
exec dotnet Cli/bin/Release/net10.0/xsave-conformance.dll "$@"
