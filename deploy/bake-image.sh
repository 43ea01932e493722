#!/usr/bin/env bash
# Bakes one runner image: a temporary VM from BASE_IMAGE runs bootstrap/linux/bake.sh as its
# startup script (Docker, the Actions runner RUNNER_VERSION, and on GPU bakes the NVIDIA driver and
# container toolkit, installed by the same functions the runner VMs' bootstrap uses), reports
# through a guest attribute, is stopped, and its disk becomes a new image of FAMILY. The VM is
# deleted however this ends. cloudbuild-bake.yaml runs it once per family; it runs from a
# checkout too, with gcloud logged in.
#
#   deploy/bake-image.sh cpu|gpu
#
# Environment (cloudbuild-bake.yaml passes its substitutions): PROJECT, ZONE, RUNNER_VERSION,
# RUNNER_SHA256 (of actions-runner-linux-x64-RUNNER_VERSION.tar.gz), BASE_IMAGE
# (projects/P/global/images/family/F or projects/P/global/images/NAME), FAMILY, SUBNET (a subnet
# of ZONE's region with a way out to GitHub and the package mirrors: the runner subnet has Cloud
# NAT); optional: RUNNER_DOWNLOAD_URL (autorunner.github.runner-download-url's form, VERSION and
# FILE replaced), MACHINE_TYPE, DISK_GB, ACCELERATOR (gpu: type=nvidia-tesla-t4,count=1),
# BAKE_ID (tells parallel bakes' VMs apart), TIMEOUT_MINUTES (40; 0: look once), POLL_SECONDS (15).
set -euo pipefail

usage() {
  echo "usage: deploy/bake-image.sh cpu|gpu (settings in the environment: see the file's head)" >&2
  exit 2
}
[ $# -eq 1 ] || usage
kind=$1
case "$kind" in
  cpu) gpu=0 ;;
  gpu) gpu=1 ;;
  *) usage ;;
esac

# allowed WHAT VALUE PATTERN: VALUE, which must match (it reaches gcloud and the VM).
allowed() {
  if [ -z "$2" ]; then
    echo "bake-image: $1 is not set" >&2
    exit 2
  elif ! [[ "$2" =~ $3 ]]; then
    echo "bake-image: $1 is not allowed: $2" >&2
    exit 2
  fi
  printf '%s' "$2"
}

# require NAME PATTERN: the environment variable's value, which must match.
require() {
  allowed "$1" "${!1:-}" "$2"
}

name='[a-z]([-a-z0-9]{0,61}[a-z0-9])?'
project=$(require PROJECT '^[a-z][-a-z0-9:.]{4,61}[a-z0-9]$')
zone=$(require ZONE "^${name}\$")
runner_version=$(require RUNNER_VERSION '^[0-9]{1,5}(\.[0-9]{1,5}){1,3}$')
RUNNER_SHA256=${RUNNER_SHA256:-}
RUNNER_SHA256=${RUNNER_SHA256,,}
runner_sha256=$(require RUNNER_SHA256 '^[0-9a-f]{64}$')
base_image=$(require BASE_IMAGE "^projects/[-a-z0-9:.]+/global/images/(family/)?${name}\$")
family=$(require FAMILY "^${name}\$")
subnet=$(require SUBNET "^(regions/${name}/subnetworks/)?${name}\$")
: "${RUNNER_DOWNLOAD_URL:=https://github.com/actions/runner/releases/download/vVERSION/FILE}"
: "${BAKE_ID:=$(date -u +%Y%m%d%H%M%S)}"
bake_id=$(require BAKE_ID '^[a-z0-9]{1,20}$')
if [ "$gpu" = 1 ]; then
  : "${MACHINE_TYPE:=n1-standard-4}" "${DISK_GB:=50}" "${ACCELERATOR:=type=nvidia-tesla-t4,count=1}"
  accelerator=$(require ACCELERATOR "^type=${name},count=[1-8]\$")
else
  : "${MACHINE_TYPE:=e2-standard-2}" "${DISK_GB:=10}"
fi
machine_type=$(require MACHINE_TYPE "^${name}\$")
disk_gb=$(require DISK_GB '^[1-9][0-9]{1,4}$')
: "${TIMEOUT_MINUTES:=40}" "${POLL_SECONDS:=15}"
timeout_minutes=$(require TIMEOUT_MINUTES '^[0-9]{1,3}$')
poll_seconds=$(require POLL_SECONDS '^[0-9]{1,3}$')
runner_file=actions-runner-linux-x64-$runner_version.tar.gz
runner_url=${RUNNER_DOWNLOAD_URL//VERSION/$runner_version}
runner_url=${runner_url//FILE/$runner_file}
runner_url=$(allowed "the runner URL" "$runner_url" '^https?://[A-Za-z0-9.:-]+(/[A-Za-z0-9._~%/+-]*)?$')

if [[ "$base_image" =~ ^projects/([^/]+)/global/images/family/(.+)$ ]]; then
  image_flags=(--image-project="${BASH_REMATCH[1]}" --image-family="${BASH_REMATCH[2]}")
else
  [[ "$base_image" =~ ^projects/([^/]+)/global/images/(.+)$ ]]
  image_flags=(--image-project="${BASH_REMATCH[1]}" --image="${BASH_REMATCH[2]}")
fi

say() { printf 'bake-image: %s\n' "$*"; }

# The startup script: bake.sh with the bootstrap's fragments inlined at their placeholder lines,
# as StartupScripts inlines them into startup.sh.
linux=$(cd "$(dirname "$0")/../bootstrap/linux" && pwd)
workdir=$(mktemp -d)
script=$workdir/bake-startup.sh
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    @@BOOTSTRAP_FUNCTIONS@@) cat "$linux/functions.sh" ;;
    @@NVIDIA_DRIVER_FUNCTIONS@@) cat "$linux/install-nvidia-driver.sh" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$linux/bake.sh" > "$script"
if grep -q '@@[A-Z0-9_]*@@' "$script"; then
  echo "bake-image: bake.sh has a placeholder this script does not fill" >&2
  exit 1
fi

vm=autorunner-bake-$kind-$bake_id
created=no
cleanup() {
  local status=$?
  rm -rf "$workdir"
  if [ "$created" = yes ]; then
    say "deleting the bake VM $vm"
    gcloud compute instances delete "$vm" --zone="$zone" --project="$project" --quiet \
      || say "could not delete $vm: delete it by hand"
  fi
  exit "$status"
}
trap cleanup EXIT

metadata=enable-guest-attributes=TRUE
metadata+=,autorunner-bake-runner-version=$runner_version
metadata+=,autorunner-bake-runner-sha256=$runner_sha256
metadata+=,autorunner-bake-runner-url=$runner_url
metadata+=,autorunner-bake-gpu=$gpu
metadata+=,autorunner-bake-base-image=$base_image
gpu_flags=()
if [ "$gpu" = 1 ]; then
  # The driver is checked with nvidia-smi, which needs a GPU; GPU VMs cannot live-migrate.
  gpu_flags=(--accelerator="$accelerator" --maintenance-policy=TERMINATE)
fi

say "creating $vm from $base_image (runner $runner_version, gpu=$gpu)"
created=yes
# No service account: the bake needs no Google API, and the image must carry no credentials.
gcloud compute instances create "$vm" --project="$project" --zone="$zone" \
  --machine-type="$machine_type" "${image_flags[@]}" \
  --boot-disk-size="${disk_gb}GB" --boot-disk-type=pd-balanced \
  --subnet="$subnet" --no-address --no-service-account --no-scopes \
  --labels=autorunner-bake="$kind" \
  --metadata="$metadata" --metadata-from-file=startup-script="$script" \
  ${gpu_flags[@]+"${gpu_flags[@]}"} --quiet

say "waiting for the bake (at most $timeout_minutes minutes)"
deadline=$(($(date +%s) + timeout_minutes * 60))
while :; do
  status=$(gcloud compute instances get-guest-attributes "$vm" --zone="$zone" \
    --project="$project" --query-path=autorunner/bake --format='value(value)' 2> /dev/null) \
    || status=''
  case "$status" in
    done) break ;;
    failed)
      say "the bake failed; the end of the VM's serial console:"
      gcloud compute instances get-serial-port-output "$vm" --zone="$zone" --project="$project" \
        | grep 'autorunner-bootstrap:' | tail -n 40 || true
      exit 1
      ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "no answer from the bake after $timeout_minutes minutes; the end of its serial console:"
    gcloud compute instances get-serial-port-output "$vm" --zone="$zone" --project="$project" \
      | tail -n 40 || true
    exit 1
  fi
  sleep "$poll_seconds"
done

say "stopping $vm"
gcloud compute instances stop "$vm" --zone="$zone" --project="$project" --quiet
image=autorunner-$kind-$bake_id
gcloud compute images create "$image" --project="$project" --family="$family" \
  --source-disk="$vm" --source-disk-zone="$zone" \
  --labels=autorunner-runner-version="${runner_version//./-}" \
  --description="autorunner $kind runner image: Actions runner $runner_version, baked from $base_image" \
  --quiet
say "image $image in family $family; runner VMs use it with"
say "  autorunner.gce.$kind-image=projects/$project/global/images/family/$family"
