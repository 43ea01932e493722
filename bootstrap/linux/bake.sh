#!/bin/bash
# autorunner: bakes a runner image on a temporary VM (Debian or Ubuntu, x64).
#
# This is a template: deploy/bake-image.sh inlines functions.sh and install-nvidia-driver.sh at
# their placeholders (an upper-case name between double at-signs) and passes the result as the
# temporary VM's `startup-script`; cloudbuild-bake.yaml runs that, stops the VM and makes an
# image of its disk. What to bake comes from the VM's metadata (autorunner-bake-*), each value
# checked against an allow-list before use. It installs what the runner VM's bootstrap
# (startup.sh) would install at boot, with the same functions:
#   1. the base packages and Docker (docker.io), enabled at boot;
#   2. the Actions runner release RUNNER_VERSION, its sha256 checked, unpacked into
#      /opt/actions-runner-VERSION with its own dependencies installed;
#   3. on GPU bakes (the VM has a GPU), the NVIDIA driver (the image's if nvidia-smi works, else the
#      distribution's; may reboot once, and this script runs again) and the container toolkit;
#   4. last, the bake marker /etc/autorunner/baked naming what it installed (functions.sh
#      describes it), then clears its own state and the package caches.
# It tells bake-image.sh how it ended through the guest attribute autorunner/bake: `done`, or
# `failed` (the serial console has the reason). It never powers the VM off: bake-image.sh stops it.
set -Eeuo pipefail

readonly INSTANCE=http://metadata.google.internal/computeMetadata/v1/instance

# One bake setting from this VM's metadata, printed only if it matches the pattern $2.
bake_setting() {
  local value
  value=$(curl --fail --silent --show-error --retry 5 --retry-delay 2 --retry-connrefused \
    --header 'Metadata-Flavor: Google' "${INSTANCE}/attributes/autorunner-bake-$1") || value=''
  if [[ ! "$value" =~ $2 ]]; then
    printf 'autorunner-bootstrap: ERROR: metadata autorunner-bake-%s is missing or not allowed\n' "$1" >&2
    return 1
  fi
  printf '%s' "$value"
}

RUNNER_VERSION=$(bake_setting runner-version '^[0-9]{1,5}(\.[0-9]{1,5}){1,3}$')
RUNNER_SHA256=$(bake_setting runner-sha256 '^[0-9a-f]{64}$')
RUNNER_URL=$(bake_setting runner-url '^https?://[A-Za-z0-9.:-]+(/[A-Za-z0-9._~%/+-]*)?$')
GPU=$(bake_setting gpu '^[01]$')
BASE_IMAGE=$(bake_setting base-image '^[A-Za-z0-9._/-]{1,300}$')
readonly RUNNER_VERSION RUNNER_SHA256 RUNNER_URL GPU BASE_IMAGE

@@BOOTSTRAP_FUNCTIONS@@

@@NVIDIA_DRIVER_FUNCTIONS@@

report() {
  curl --fail --silent --show-error --retry 5 --retry-delay 2 --retry-connrefused \
    --header 'Metadata-Flavor: Google' --request PUT --data "$1" \
    "${INSTANCE}/guest-attributes/autorunner/bake"
}

on_exit() {
  local status=$?
  if [[ "$REBOOTING" == "1" ]]; then
    log "rebooting; the bake goes on at boot"
  elif [[ $status -ne 0 ]]; then
    log "bake failed with status ${status}"
    report failed || log "could not report the failure (bake-image.sh times out instead)"
  fi
}
trap on_exit EXIT
trap 'log "command failed (line ${LINENO}): ${BASH_COMMAND}"' ERR

# Fails unless $2 is a version the marker can carry: the bootstrap ignores anything else.
marker_line() {
  [[ "$2" =~ ^[A-Za-z0-9._:+~/-]{1,200}$ ]] || fail "cannot tell the version of $1 (got '${2}')"
  printf '%s=%s\n' "$1" "$2"
}

write_marker() {
  local marker
  mkdir -p "$(dirname "$BAKE_MARKER")"
  marker=$(mktemp "${BAKE_MARKER}.XXXXXX")
  {
    printf '# What this image was baked with (bootstrap/linux/bake.sh); startup.sh reads it at boot.\n'
    marker_line baked_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    marker_line base_image "$BASE_IMAGE"
    marker_line docker "$(docker_version)"
    marker_line runner_version "$RUNNER_VERSION"
    marker_line runner_sha256 "$RUNNER_SHA256"
    if [[ "$GPU" == "1" ]]; then
      marker_line nvidia_driver "$(nvidia_driver_version)"
      marker_line nvidia_container_toolkit "$(nvidia_toolkit_version)"
    fi
  } >"$marker"
  chmod 0644 "$marker"
  mv "$marker" "$BAKE_MARKER"
  log "bake marker written:"
  grep -v '^#' "$BAKE_MARKER" | while IFS= read -r line; do log "  ${line}"; done
}

bake_runner() {
  local dir old
  dir=$(baked_runner_dir)
  # A base image baked before keeps no other release: the bootstrap would never use it.
  for old in "${BAKED_RUNNER_PARENT}"/actions-runner-*; do
    if [[ -e "$old" && "$old" != "$dir" ]]; then
      log "removing ${old} (another runner release)"
      rm -rf "$old"
    fi
  done
  unpack_runner_release "$dir"
  log "installing the runner's own dependencies"
  "${dir}/bin/installdependencies.sh"
  chmod 0755 "$dir"
}

main() {
  log "baking: runner ${RUNNER_VERSION}, gpu=${GPU}, from ${BASE_IMAGE}"
  check_platform
  # The marker is written last, so an image never claims what its bake did not finish; a base
  # image baked before must not lend its marker to this one.
  rm -f "$BAKE_MARKER"
  mkdir -p "$STATE_DIR"
  chmod 0700 "$STATE_DIR"
  install_base_packages
  install_docker
  bake_runner
  if [[ "$GPU" == "1" ]]; then
    ensure_nvidia_driver
    install_nvidia_container_toolkit
  fi
  write_marker
  # Nothing of this bake's own state may reach the runner VMs: the bootstrap reads STATE_DIR.
  rm -rf "$STATE_DIR"
  apt_get clean
  sync
  log "bake done"
  report "done"
}

main
