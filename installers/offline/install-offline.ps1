# Install Expert Review Desk from this folder on a Windows machine with no network.
#
#   powershell -ExecutionPolicy Bypass -File install-offline.ps1 [-Target DIR] [-Python py]
#
# It checks every file against SHA256SUMS, creates a Python venv in DIR (default
# %LOCALAPPDATA%\ReviewDesk\venv) and installs the program and every package it needs from
# wheelhouse\ only (pip --no-index --require-hashes). Needs Python 3.11 or 3.12 (python.org
# installer, with the "py" launcher). Then run: DIR\Scripts\review-desk.exe demo
param(
  [string]$Target = (Join-Path $env:LOCALAPPDATA "ReviewDesk\venv"),
  [string]$Python = ""
)
$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path

Write-Host "install: checking the release files against SHA256SUMS"
foreach ($line in Get-Content (Join-Path $here "SHA256SUMS")) {
  $expected, $name = $line -split "  ", 2
  $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path $here $name)).Hash.ToLower()
  if ($actual -ne $expected) { throw "install: $name is damaged or was changed; copy the release again." }
}

$versions = ((Get-Content (Join-Path $here "targets.txt") | Where-Object { $_ -like "python *" }) -replace "^python ", "") -split " "
$pyExe = $null
$pyArgs = @()
if ($Python) { $pyExe = $Python } else {
  foreach ($v in ($versions | Sort-Object -Descending)) {
    try { & py "-$v" -c "pass" 2>$null } catch { continue }
    if ($LASTEXITCODE -eq 0) { $pyExe = "py"; $pyArgs = @("-$v"); break }
  }
}
if (-not $pyExe) { throw "install: this release needs Python $($versions -join ' or ') (python.org installer with the py launcher)." }

if (-not (Test-Path (Join-Path $Target "Scripts\python.exe"))) {
  & $pyExe @pyArgs -m venv $Target
  if ($LASTEXITCODE -ne 0) { throw "install: cannot create a venv in $Target" }
}
$env:PIP_CONFIG_FILE = "nul"
Write-Host "install: installing into $Target (no network)"
& (Join-Path $Target "Scripts\python.exe") -m pip install --quiet --disable-pip-version-check `
  --no-index --find-links (Join-Path $here "wheelhouse") --require-hashes `
  -r (Join-Path $here "requirements-offline.txt")
if ($LASTEXITCODE -ne 0) { throw "install: pip failed (see above)" }
& (Join-Path $Target "Scripts\review-desk.exe") --version
Write-Host "install: done. Start it with: $Target\Scripts\review-desk.exe demo"
