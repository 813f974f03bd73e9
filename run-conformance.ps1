#!/usr/bin/env pwsh
# Builds the runner (Cli/) and runs it: ./run-conformance.ps1 [VERB] [ARGS...]; with no verb, the main job.
# Twin of run-conformance.sh. No logic here: the runner owns the verbs and the exit codes.
Set-Location -LiteralPath $PSScriptRoot
$buildLog = & dotnet build Cli/Xsave.Cli.csproj -c Release -v q --nologo 2>&1
if ($LASTEXITCODE -ne 0) {
    $buildLog | ForEach-Object { [Console]::Error.WriteLine($_) }
    [Console]::Error.WriteLine('run-conformance: build of Cli/Xsave.Cli.csproj failed')
    exit 3
}
& dotnet Cli/bin/Release/net10.0/xsave-conformance.dll @args
exit $LASTEXITCODE
