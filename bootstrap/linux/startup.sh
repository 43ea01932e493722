#!/bin/bash
# autorunner: bootstrap of a single-use GitHub Actions runner VM (Debian or Ubuntu, x64).
#
# This is a template. The handler (io.autorunner.handler.bootstrap.StartupScripts) renders it and
# passes the result as the VM's `startup-script` metadata value. Every placeholder (an upper-case
# name between double at-signs) becomes a validated value in single quotes; rendering fails if a
# value breaks its allow-list or if a placeholder is left over. Nothing below may feed a rendered
# value to eval, to an unquoted expansion or to a command line other than as one quoted argument.
#
# Once per VM it:
#   1. refuses to run a second time (the JIT config is single-use: a restarted VM powers off);
#   2. asks the handler for its runner: the VM's metadata holds no secret, so the script proves who
#      it is with the instance identity token its metadata server signs (audience = the handler,
#      format=full, naming project, zone, instance name and id) and receives the single-use JIT
#      config once, in the response body. The handler refuses a second call, another VM, or a VM
#      past its boot window;
#   3. installs Docker (the distribution's docker.io package) unless the image has it;
#   4. creates the unprivileged user `runner` (no sudo; member of the docker group);
#   5. on GPU VMs, uses the image's NVIDIA driver when `nvidia-smi` works, else installs the
#      distribution's driver, then NVIDIA's container toolkit so `docker run --gpus all` works;
#   6. takes the Actions runner from the image when it was baked with this very release (same
#      version, same sha256), else downloads the release, checks its sha256, unpacks it into ~runner;
#   7. runs the runner for one job as `runner`, then powers the VM off.
# Images baked by cloudbuild-bake.yaml (bake.sh) bring steps 3, 5 and 6 along and say so in their
# bake marker (functions.sh describes it); the log names what came baked and what this boot had to
# install, so a stale bake shows.
# Any failure powers the VM off as well (EXIT trap), so a broken VM never idles. The handler and
# the reconciler delete powered-off VMs; Spot's maxRunDuration is the hard cap behind both.
#
# Output goes to stdout/stderr, which the guest agent copies to the serial console and the
# journal (`journalctl -u google-startup-scripts`); every line of ours starts with
# "autorunner-bootstrap:".
#
# AUTORUNNER_DRY_RUN=1 stops after reading the rendered values, before any change to the machine
# (used by the tests, which run the rendered script).
set -Eeuo pipefail

readonly RUNNER_NAME=@@RUNNER_NAME@@
readonly RUNNER_VERSION=@@RUNNER_VERSION@@
readonly RUNNER_SHA256=@@RUNNER_SHA256@@
readonly RUNNER_URL=@@RUNNER_URL@@
readonly GPU=@@GPU@@
# The job's labels, for the log only: the runner registers with the labels inside the JIT config.
readonly RUNNER_LABELS=@@RUNNER_LABELS@@
# The single-use runner registration (a secret), fetched from the handler at boot: never logged,
# never on a command line, never written to disk by this script. It reaches the runner through
# its environment.
JIT_CONFIG=''

readonly METADATA=http://metadata.google.internal/computeMetadata/v1/instance

readonly RUNNER_USER=runner

@@BOOTSTRAP_FUNCTIONS@@

dry_run() {
  [[ "${AUTORUNNER_DRY_RUN:-0}" == "1" ]]
}

power_off() {
  if dry_run; then
    log "dry run: would power off now"
    return 0
  fi
  log "powering off"
  sync || true
  systemctl poweroff || shutdown -h now || poweroff -f
}

on_exit() {
  local status=$?
  JIT_CONFIG=''
  if [[ "$REBOOTING" == "1" ]]; then
    log "rebooting; this script runs again at boot"
    return 0
  fi
  if [[ $status -ne 0 ]]; then
    log "bootstrap ended with status ${status}"
  fi
  power_off
}
trap on_exit EXIT
trap 'log "command failed (line ${LINENO}): ${BASH_COMMAND}"' ERR

@@NVIDIA_DRIVER_FUNCTIONS@@

# One value from this VM's metadata server (never leaves the VM).
metadata() {
  curl --fail --silent --show-error --retry 5 --retry-delay 2 --retry-connrefused \
    --header 'Metadata-Flavor: Google' "$@"
}

# Proves who this VM is and receives its runner's JIT config (a secret) into JIT_CONFIG. The
# identity token and the config travel in headers and bodies only, never on a command line.
fetch_runner_config() {
  local url audience token config
  url=$(metadata "${METADATA}/attributes/autorunner-runner-config-url")
  audience=$(metadata "${METADATA}/attributes/autorunner-runner-config-audience")
  [[ "$url" =~ ^https?://[A-Za-z0-9.:/_-]+$ ]] || fail "the runner-config URL in metadata is not a URL"
  log "asking ${url} for this VM's runner"
  token=$(metadata --get --data-urlencode "audience=${audience}" --data-urlencode "format=full" \
    "${METADATA}/service-accounts/default/identity") || fail "no identity token (does the VM have a service account?)"
  # 503 (the handler is busy or minting) and timeouts are retried; 401/403/409 are final.
  config=$(printf 'Authorization: Bearer %s\n' "$token" \
    | curl --fail --silent --show-error --proto '=https,http' --max-time 60 \
      --retry 10 --retry-delay 5 --retry-connrefused \
      --header @- --data '' "$url") || fail "the handler refused this VM its runner"
  token=''
  [[ "$config" =~ ^[A-Za-z0-9+/]+={0,2}$ ]] || fail "the handler's answer is not a runner config"
  JIT_CONFIG=$config
  config=''
  log "runner config received"
}

create_runner_user() {
  if id -u "$RUNNER_USER" >/dev/null 2>&1; then
    log "user ${RUNNER_USER} exists"
  else
    # No sudo rights. The docker group is root-equivalent on this machine; that is accepted
    # because the VM runs exactly one job and is then deleted: the VM is the isolation boundary.
    useradd --create-home --shell /bin/bash --user-group "$RUNNER_USER"
    log "created user ${RUNNER_USER}"
  fi
  usermod --append --groups docker "$RUNNER_USER"
}

# Why the image's runner cannot serve this VM, or nothing when it can (or the image has none).
baked_runner_mismatch() {
  local version sha dir
  version=$(baked runner_version)
  sha=$(baked runner_sha256)
  dir=$(baked_runner_dir)
  if [[ -z "$version" ]]; then
    return 0
  elif [[ "$version" != "$RUNNER_VERSION" ]]; then
    printf 'the image was baked with runner %s, this VM needs %s' "$version" "$RUNNER_VERSION"
  elif [[ "$sha" != "$RUNNER_SHA256" ]]; then
    printf "the image's runner %s was checked against sha256 %s, this VM's is %s" \
      "$version" "${sha:-(none)}" "$RUNNER_SHA256"
  elif [[ ! -x "${dir}/run.sh" || ! -x "${dir}/config.sh" || ! -x "${dir}/bin/Runner.Listener" ]]; then
    printf 'the bake marker names runner %s, but %s is incomplete' "$version" "$dir"
  fi
}

install_runner() {
  local home dir mismatch
  home=$(getent passwd "$RUNNER_USER" | cut -d: -f6)
  dir="${home}/actions-runner"
  mismatch=$(baked_runner_mismatch)
  rm -rf "$dir"
  if [[ -n "$(baked runner_version)" && -z "$mismatch" ]]; then
    # Moved, not copied: one rename on the same disk, and this VM runs once.
    mv "$(baked_runner_dir)" "$dir"
    log "runner ${RUNNER_VERSION}: baked into the image (same sha256, dependencies installed)"
  else
    if [[ -n "$mismatch" ]]; then
      log "${mismatch}: downloading it at boot; re-bake the image (README, Baked images)"
    fi
    unpack_runner_release "$dir"
    log "installing the runner's own dependencies"
    "${dir}/bin/installdependencies.sh"
    installed "actions-runner ${RUNNER_VERSION}"
  fi
  chmod 0750 "$dir"
  chown -R "${RUNNER_USER}:${RUNNER_USER}" "$dir"
  RUNNER_DIR=$dir
}

# One line an operator can grep for: what a baked image would have spared this boot.
log_installed_at_boot() {
  if ((${#INSTALLED[@]} == 0)); then
    log "installed at boot: nothing, the image brought everything"
  else
    local joined
    joined=$(printf '%s, ' "${INSTALLED[@]}")
    log "installed at boot: ${joined%, } (a current bake would bring these)"
  fi
}

run_runner() {
  local status=0
  # Mark first: if the VM restarts from here on, the JIT config may be spent; never reuse it.
  touch "${STATE_DIR}/runner-started"
  log "starting runner ${RUNNER_NAME} (one job)"
  # The Actions runner reads any argument from ACTIONS_RUNNER_INPUT_<NAME> (actions-runner-controller
  # passes the JIT config the same way); unlike --jitconfig, this keeps the secret out of `ps`.
  # The variable is exported in the subshell only.
  (
    cd "$RUNNER_DIR"
    export ACTIONS_RUNNER_INPUT_JITCONFIG="$JIT_CONFIG"
    exec runuser -u "$RUNNER_USER" -- ./run.sh
  ) || status=$?
  JIT_CONFIG=''
  # The runner writes its decoded registration next to itself; an ephemeral runner removes it,
  # but do not count on that.
  rm -f "${RUNNER_DIR}/.runner" "${RUNNER_DIR}/.credentials" "${RUNNER_DIR}/.credentials_rsaparams"
  log "runner exited with status ${status}"
  return "$status"
}

main() {
  log "runner ${RUNNER_NAME}, runner version ${RUNNER_VERSION}, gpu=${GPU}"
  log "job labels: ${RUNNER_LABELS}"
  if dry_run; then
    log "dry run: stopping before any change to this machine"
    return 0
  fi
  check_platform
  mkdir -p "$STATE_DIR"
  chmod 0700 "$STATE_DIR"
  if [[ -e "${STATE_DIR}/runner-started" ]]; then
    log "this VM already ran its runner; a single-use VM does not run twice"
    return 0
  fi
  log_bake_marker
  install_base_packages
  install_docker
  create_runner_user
  if [[ "$GPU" == "1" ]]; then
    ensure_nvidia_driver
    install_nvidia_container_toolkit
  fi
  # After the driver (whose install may reboot: the config is handed out once) and before the
  # runner, so the secret is held for the shortest time.
  fetch_runner_config
  install_runner
  log_installed_at_boot
  run_runner
}

RUNNER_DIR=''
main
