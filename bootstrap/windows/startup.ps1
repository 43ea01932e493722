# autorunner: bootstrap of a single-use GitHub Actions runner VM (Windows Server, x64).
#
# This is a template. The handler (io.autorunner.handler.bootstrap.StartupScripts) renders it and
# passes the result as the VM's `windows-startup-script-ps1` metadata value. Every placeholder
# (an upper-case name between double at-signs) becomes a validated value in a single-quoted
# PowerShell string (quotes doubled); rendering fails if a value breaks its allow-list or if a
# placeholder is left over. Nothing below may pass a rendered value to Invoke-Expression or into a
# script block.
#
# Once per VM it:
#   1. refuses to run a second time (the JIT config is single-use: a restarted VM powers off);
#   2. on GPU VMs without a working nvidia-smi, installs NVIDIA's data-center driver;
#   3. asks the handler for its runner: the VM's metadata holds no secret, so the script proves who
#      it is with the instance identity token its metadata server signs (audience = the handler,
#      format=full) and receives the single-use JIT config once, in the response body;
#   4. creates the local user `runner` (not an administrator);
#   5. takes the Actions runner from the image when its bake marker names this very release (same
#      version and SHA256) and C:\autorunner\actions-runner-VERSION is complete, else downloads
#      the release, checks its SHA256 and extracts it to C:\actions-runner;
#   6. runs the runner for one job as `runner`, then powers the VM off.
# Any failure powers the VM off as well (finally block), so a broken VM never idles.
#
# Output goes to the serial console through the guest agent; every line of ours starts with
# "autorunner-bootstrap:".
#
# NVIDIA driver source: NVIDIA's own download server, the data-center ("Tesla") DCH driver for
# Windows Server 2022/2025 pinned below, the same files Google's install_gpu_driver.ps1
# (github.com/GoogleCloudPlatform/compute-gpu-installation) installs. The installer must carry a
# valid Authenticode signature by NVIDIA Corporation, checked before it runs.
#
# A baked image. No Cloud Build bake exists for Windows (cloudbuild-bake.yaml bakes Linux images);
# an image you bake yourself may carry C:\autorunner\baked, key=value lines as on Linux
# (bootstrap/linux/functions.sh): runner_version and runner_sha256 of the release unpacked (its
# archive's SHA256 checked) in C:\autorunner\actions-runner-VERSION. It is read as data and only
# believed when the version, the SHA256 and the directory all check out; else the runner is
# downloaded as on an image without a bake.
#
# AUTORUNNER_DRY_RUN=1 (environment) stops after reading the rendered values, before any change.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0

$RunnerName = @@RUNNER_NAME@@
$RunnerVersion = @@RUNNER_VERSION@@
$RunnerSha256 = @@RUNNER_SHA256@@
$RunnerUrl = @@RUNNER_URL@@
$Gpu = @@GPU@@
# The job's labels, for the log only: the runner registers with the labels inside the JIT config.
$RunnerLabels = @@RUNNER_LABELS@@
# The single-use runner registration (a secret), fetched from the handler at boot: never logged,
# never on a command line; it waits for the runner in a file only the runner user can read, which
# the runner's wrapper deletes.
$JitConfig = $null
$Metadata = 'http://metadata.google.internal/computeMetadata/v1/instance'

$RunnerUser = 'runner'
$RunnerDir = 'C:\actions-runner'
$RunnerFile = "actions-runner-win-x64-$RunnerVersion.zip"
$StateDir = Join-Path $env:ProgramData 'autorunner'
$BakeMarker = 'C:\autorunner\baked'
$BakedRunnerDir = "C:\autorunner\actions-runner-$RunnerVersion"
$TaskName = 'autorunner-runner'
$NvidiaDriverVersion = '580.88'
$NvidiaDriverUrl = "https://us.download.nvidia.com/tesla/${NvidiaDriverVersion}/${NvidiaDriverVersion}-data-center-tesla-desktop-winserver-2022-2025-dch-international.exe"
# Well-known SIDs, so the script works on any display language.
$SidSystem = '*S-1-5-18'
$SidAdministrators = '*S-1-5-32-544'
# Performance Log Users holds "Log on as a batch job" by default on Windows Server, which a
# scheduled task running as `runner` needs; the group grants nothing else of note.
$SidPerformanceLogUsers = 'S-1-5-32-559'

$script:Rebooting = $false

function Write-Log([string]$Message) {
    Write-Host "autorunner-bootstrap: $Message"
}

function Test-DryRun {
    return $env:AUTORUNNER_DRY_RUN -eq '1'
}

function Stop-ThisComputer {
    if (Test-DryRun) {
        Write-Log 'dry run: would power off now'
        return
    }
    Write-Log 'powering off'
    Stop-Computer -Force
}

function Invoke-Download([string]$Uri, [string]$OutFile) {
    for ($attempt = 1; ; $attempt++) {
        try {
            Invoke-WebRequest -UseBasicParsing -Uri $Uri -OutFile $OutFile
            return
        } catch {
            if ($attempt -ge 5) { throw }
            Write-Log "download failed (attempt $attempt): $($_.Exception.Message); retrying"
            Start-Sleep -Seconds (5 * $attempt)
        }
    }
}

function Invoke-Icacls([string[]]$Arguments) {
    & icacls.exe @Arguments | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls $($Arguments[0]) failed with exit code $LASTEXITCODE" }
}

function Test-NvidiaDriver {
    $smi = Get-Command 'nvidia-smi.exe' -ErrorAction SilentlyContinue
    if ($null -eq $smi) {
        $legacy = 'C:\Program Files\NVIDIA Corporation\NVSMI\nvidia-smi.exe'
        if (-not (Test-Path -LiteralPath $legacy)) { return $false }
        $smi = Get-Command $legacy
    }
    & $smi.Source | Out-Null
    return $LASTEXITCODE -eq 0
}

function Install-NvidiaDriver {
    if (Test-NvidiaDriver) {
        Write-Log 'NVIDIA driver present'
        return
    }
    $marker = Join-Path $StateDir 'nvidia-reboot-done'
    if (Test-Path -LiteralPath $marker) {
        throw 'the NVIDIA driver does not work, even after installing it and rebooting'
    }
    Write-Log "installing NVIDIA data-center driver $NvidiaDriverVersion"
    $installer = Join-Path $StateDir 'nvidia-driver.exe'
    Invoke-Download -Uri $NvidiaDriverUrl -OutFile $installer
    $signature = Get-AuthenticodeSignature -FilePath $installer
    if ($signature.Status -ne 'Valid' -or $signature.SignerCertificate.Subject -notmatch 'CN=NVIDIA Corporation') {
        Remove-Item -Force -LiteralPath $installer
        throw "the NVIDIA driver installer is not validly signed by NVIDIA ($($signature.Status)); refusing to run it"
    }
    $process = Start-Process -FilePath $installer -ArgumentList '-s', '-noreboot', '-noeula', '-clean' -Wait -PassThru
    Write-Log "NVIDIA installer exited with code $($process.ExitCode)"
    Remove-Item -Force -LiteralPath $installer
    if (Test-NvidiaDriver) {
        Write-Log 'NVIDIA driver ready'
        return
    }
    # The driver may only bind the GPU after a restart; GCE runs this script again at boot.
    New-Item -ItemType File -Force -Path $marker | Out-Null
    Write-Log 'the NVIDIA driver needs a reboot; rebooting once'
    $script:Rebooting = $true
    Restart-Computer -Force
}

function New-RandomPassword {
    $bytes = New-Object byte[] 24
    $rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    try { $rng.GetBytes($bytes) } finally { $rng.Dispose() }
    # The suffix satisfies the complexity policy whatever the random part holds.
    return [Convert]::ToBase64String($bytes) + 'aA1!'
}

function Set-RunnerUser([string]$Password) {
    $secure = ConvertTo-SecureString -String $Password -AsPlainText -Force
    if (Get-LocalUser -Name $RunnerUser -ErrorAction SilentlyContinue) {
        Set-LocalUser -Name $RunnerUser -Password $secure
        Write-Log "user $RunnerUser exists; password renewed"
    } else {
        New-LocalUser -Name $RunnerUser -Password $secure -PasswordNeverExpires -AccountNeverExpires `
            -Description 'autorunner: runs one GitHub Actions job' | Out-Null
        Write-Log "created user $RunnerUser"
    }
    $member = Get-LocalGroupMember -SID $SidPerformanceLogUsers -ErrorAction SilentlyContinue |
        Where-Object { $_.Name -like "*\$RunnerUser" }
    if ($null -eq $member) {
        Add-LocalGroupMember -SID $SidPerformanceLogUsers -Member $RunnerUser
    }
}

# One value of the bake marker, or $null: read as data, and a value outside a narrow alphabet
# counts as absent.
function Get-BakedValue([string]$Key) {
    if (-not (Test-Path -LiteralPath $BakeMarker)) { return $null }
    foreach ($line in Get-Content -LiteralPath $BakeMarker) {
        $parts = $line.Split('=', 2)
        if ($parts.Count -eq 2 -and $parts[0] -eq $Key) {
            if ($parts[1] -match '^[A-Za-z0-9._:+~/-]{1,200}$') { return $parts[1] }
            return $null
        }
    }
    return $null
}

# Why the image's runner cannot serve this VM, or $null when it can (or the image has none).
function Get-BakedRunnerMismatch {
    $version = Get-BakedValue 'runner_version'
    $sha = Get-BakedValue 'runner_sha256'
    if ($null -eq $version) { return $null }
    if ($version -ne $RunnerVersion) {
        return "the image was baked with runner $version, this VM needs $RunnerVersion"
    }
    if ($sha -ne $RunnerSha256) {
        return "the image's runner $version was checked against SHA256 $sha, this VM's is $RunnerSha256"
    }
    foreach ($name in 'run.cmd', 'config.cmd', 'bin\Runner.Listener.exe') {
        if (-not (Test-Path -LiteralPath (Join-Path $BakedRunnerDir $name))) {
            return "the bake marker names runner $version, but $BakedRunnerDir is incomplete"
        }
    }
    return $null
}

function Install-Runner {
    # A private folder: SYSTEM and Administrators, plus the runner user, nothing inherited from C:\.
    New-Item -ItemType Directory -Force -Path $RunnerDir | Out-Null
    Invoke-Icacls @($RunnerDir, '/inheritance:r', '/grant:r',
        "${SidSystem}:(OI)(CI)F", "${SidAdministrators}:(OI)(CI)F", "${RunnerUser}:(OI)(CI)M")
    $mismatch = Get-BakedRunnerMismatch
    if ($null -ne (Get-BakedValue 'runner_version') -and $null -eq $mismatch) {
        # Moved, not copied: this VM runs once. Moved files keep their old ACLs, so they are reset
        # to inherit the private folder's.
        Get-ChildItem -LiteralPath $BakedRunnerDir -Force | Move-Item -Destination $RunnerDir
        Invoke-Icacls @((Join-Path $RunnerDir '*'), '/reset', '/T', '/C', '/Q')
        Write-Log "runner ${RunnerVersion}: baked into the image (same SHA256)"
        return
    }
    if ($null -ne $mismatch) {
        Write-Log "${mismatch}: downloading it at boot; re-bake the image"
    }
    $zip = Join-Path $StateDir $RunnerFile
    Write-Log "downloading $RunnerFile"
    Invoke-Download -Uri $RunnerUrl -OutFile $zip
    $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $zip).Hash.ToLowerInvariant()
    if ($actual -ne $RunnerSha256) {
        Remove-Item -Force -LiteralPath $zip
        throw "SHA256 of $RunnerFile does not match the configured checksum; refusing to run it"
    }
    Write-Log "SHA256 of $RunnerFile verified"
    Expand-Archive -LiteralPath $zip -DestinationPath $RunnerDir -Force
    Remove-Item -Force -LiteralPath $zip
}

function Get-Metadata([string]$Path) {
    Invoke-RestMethod -UseBasicParsing -Headers @{ 'Metadata-Flavor' = 'Google' } -Uri "$Metadata/$Path"
}

# Proves who this VM is and receives its runner's JIT config (a secret). 503s and network errors
# are retried; a refusal (401, 403, 409) is final.
function Get-RunnerConfig {
    $url = [string](Get-Metadata 'attributes/autorunner-runner-config-url')
    $audience = [string](Get-Metadata 'attributes/autorunner-runner-config-audience')
    if ($url -notmatch '^https?://[A-Za-z0-9.:/_-]+$') {
        throw 'the runner-config URL in metadata is not a URL'
    }
    Write-Log "asking $url for this VM's runner"
    $token = [string](Get-Metadata ("service-accounts/default/identity?audience=" +
        [uri]::EscapeDataString($audience) + '&format=full'))
    for ($attempt = 1; ; $attempt++) {
        try {
            $config = [string](Invoke-RestMethod -UseBasicParsing -Method Post -Uri $url `
                -Headers @{ Authorization = "Bearer $token" } -TimeoutSec 60)
            break
        } catch {
            $status = 0
            if ($_.Exception.Response) { $status = [int]$_.Exception.Response.StatusCode }
            if (($status -ne 0 -and $status -ne 503 -and $status -ne 429) -or $attempt -ge 10) {
                throw "the handler refused this VM its runner (HTTP $status)"
            }
            Start-Sleep -Seconds 5
        }
    }
    $token = $null
    if ($config -notmatch '^[A-Za-z0-9+/]+={0,2}$') {
        throw "the handler's answer is not a runner config"
    }
    $script:JitConfig = $config
    Write-Log 'runner config received'
}

function Invoke-Runner([string]$Password) {
    # The JIT config goes to a file only the runner user (and SYSTEM) may touch. The wrapper reads
    # it into ACTIONS_RUNNER_INPUT_JITCONFIG, which the runner reads like --jitconfig (as
    # actions-runner-controller passes it), deletes the file and runs run.cmd.
    $jitFile = Join-Path $RunnerDir '.autorunner-jit'
    New-Item -ItemType File -Force -Path $jitFile | Out-Null
    Invoke-Icacls @($jitFile, '/inheritance:r', '/grant:r', "${SidSystem}:F", "${RunnerUser}:F")
    [System.IO.File]::WriteAllText($jitFile, $JitConfig)
    $script:JitConfig = $null

    $wrapper = Join-Path $RunnerDir 'start-runner.ps1'
    $wrapperText = @'
$ErrorActionPreference = 'Stop'
$jitFile = Join-Path $PSScriptRoot '.autorunner-jit'
$env:ACTIONS_RUNNER_INPUT_JITCONFIG = [System.IO.File]::ReadAllText($jitFile)
Remove-Item -Force -LiteralPath $jitFile
Set-Location -LiteralPath $PSScriptRoot
& (Join-Path $PSScriptRoot 'run.cmd') *> (Join-Path $PSScriptRoot 'runner-output.log')
exit $LASTEXITCODE
'@
    Set-Content -LiteralPath $wrapper -Value $wrapperText -Encoding ASCII

    $action = New-ScheduledTaskAction -Execute 'powershell.exe' -WorkingDirectory $RunnerDir `
        -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$wrapper`""
    $settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) `
        -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
    Register-ScheduledTask -TaskName $TaskName -Action $action -Settings $settings `
        -User $RunnerUser -Password $Password -RunLevel Limited -Force | Out-Null

    # Mark first: if the VM restarts from here on, the JIT config may be spent; never reuse it.
    New-Item -ItemType File -Force -Path (Join-Path $StateDir 'runner-started') | Out-Null
    Write-Log "starting runner $RunnerName (one job) as $RunnerUser"
    Start-ScheduledTask -TaskName $TaskName
    $deadline = (Get-Date).AddMinutes(2)
    while ((Get-ScheduledTask -TaskName $TaskName).State -ne 'Running' -and (Get-Date) -lt $deadline) {
        Start-Sleep -Seconds 2
    }
    while ((Get-ScheduledTask -TaskName $TaskName).State -eq 'Running') {
        Start-Sleep -Seconds 15
    }
    $result = (Get-ScheduledTaskInfo -TaskName $TaskName).LastTaskResult
    Write-Log "runner exited with result $result"
    $output = Join-Path $RunnerDir 'runner-output.log'
    if (Test-Path -LiteralPath $output) {
        Get-Content -LiteralPath $output -Tail 50 | ForEach-Object { Write-Log "runner: $_" }
    }
    Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
    # The runner writes its decoded registration next to itself; remove it whatever happened.
    foreach ($name in '.runner', '.credentials', '.credentials_rsaparams', '.autorunner-jit') {
        Remove-Item -Force -ErrorAction SilentlyContinue -LiteralPath (Join-Path $RunnerDir $name)
    }
}

try {
    Write-Log "runner $RunnerName, runner version $RunnerVersion, gpu=$Gpu"
    Write-Log "job labels: $RunnerLabels"
    if (Test-DryRun) {
        Write-Log 'dry run: stopping before any change to this machine'
        return
    }
    New-Item -ItemType Directory -Force -Path $StateDir | Out-Null
    if (Test-Path -LiteralPath (Join-Path $StateDir 'runner-started')) {
        Write-Log 'this VM already ran its runner; a single-use VM does not run twice'
        return
    }
    if (Test-Path -LiteralPath $BakeMarker) {
        Write-Log "image baked at $(Get-BakedValue 'baked_at') with runner $(Get-BakedValue 'runner_version')"
    } else {
        Write-Log "image not baked (no $BakeMarker): the runner is downloaded at boot"
    }
    if ($Gpu -eq '1') {
        Install-NvidiaDriver
        if ($script:Rebooting) { return }
    }
    Get-RunnerConfig
    $password = New-RandomPassword
    Set-RunnerUser -Password $password
    Install-Runner
    Invoke-Runner -Password $password
} catch {
    Write-Log "bootstrap failed: $($_.Exception.Message)"
} finally {
    $JitConfig = $null
    if (-not $script:Rebooting) {
        Stop-ThisComputer
    }
}
