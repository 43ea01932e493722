# autorunner: what the runner VM's bootstrap and the image bake share (Debian or Ubuntu, x64).
#
# A fragment, not a script: it is inlined at the placeholder BOOTSTRAP_FUNCTIONS of startup.sh (by
# StartupScripts, for every runner VM) and of bake.sh (by deploy/bake-image.sh, for the temporary
# VM an image is baked on), so both install Docker, the Actions runner and (with
# install-nvidia-driver.sh) the NVIDIA stack the same way. It defines constants and functions
# only; the including script defines RUNNER_VERSION, RUNNER_SHA256 and RUNNER_URL.
#
# The bake marker. A baked image carries BAKE_MARKER: key=value lines saying what the bake
# installed and which versions (bake.sh writes it last, after everything it names worked):
#   baked_at                  when (UTC, ISO 8601)
#   base_image                the image it was baked from
#   docker                    Docker's version
#   runner_version            the Actions runner release unpacked under BAKED_RUNNER_PARENT
#   runner_sha256             the sha256 of that release's archive, checked before unpacking
#   nvidia_driver             the NVIDIA driver's version (GPU images)
#   nvidia_container_toolkit  the toolkit's package version (GPU images)
# It is read as data, never sourced, and only as a hint: whatever is cheap to check (a binary, a
# directory, a working nvidia-smi) is checked, and whatever is missing or of another version is
# installed at boot as on an image that was never baked. A stale bake costs boot time, not a job.
#
# AUTORUNNER_ROOT (tests only, unset on a VM) prefixes every file the scripts read or write, so a
# test can run them with the system's commands faked on PATH without touching the machine.

readonly ROOT=${AUTORUNNER_ROOT:-}
readonly STATE_DIR="${ROOT}/var/lib/autorunner"
readonly BAKE_MARKER="${ROOT}/etc/autorunner/baked"
readonly BAKED_RUNNER_PARENT="${ROOT}/opt"
readonly DOCKER_DAEMON_CONFIG="${ROOT}/etc/docker/daemon.json"
readonly APT_SOURCES="${ROOT}/etc/apt/sources.list.d"
readonly APT_LOCK_TIMEOUT=600
readonly RUNNER_FILE="actions-runner-linux-x64-${RUNNER_VERSION}.tar.gz"

REBOOTING=0
APT_UPDATED=0
# What this boot had to install because the image did not bring it (for the log's summary).
INSTALLED=()

log() {
  printf 'autorunner-bootstrap: %s\n' "$*"
}

fail() {
  log "ERROR: $*"
  exit 1
}

apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -q -y -o "DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT}" "$@"
}

# The package lists are refreshed before the first install only: a baked image installs nothing,
# and an `apt-get update` alone costs a boot 10-30 s.
apt_install() {
  if [[ "$APT_UPDATED" == "0" ]]; then
    apt_get update
    APT_UPDATED=1
  fi
  apt_get install --no-install-recommends "$@"
}

# One field of /etc/os-release, read in a subshell so the file cannot touch this script's state.
os_release() {
  # shellcheck disable=SC1090,SC1091
  (. "${ROOT}/etc/os-release" && printf '%s' "${!1:-}")
}

download() {
  local url=$1 target=$2
  curl --fail --silent --show-error --location --proto '=https,http' \
    --retry 5 --retry-delay 5 --retry-connrefused --output "$target" "$url"
}

installed() {
  INSTALLED+=("$1")
}

# One value of the bake marker, or nothing when the image has no marker, the key is absent, or
# its value leaves a narrow alphabet (the value reaches log lines and comparisons only).
baked() {
  local key=$1 name value
  [[ -r "$BAKE_MARKER" ]] || return 0
  while IFS='=' read -r name value || [[ -n "$name" ]]; do
    if [[ "$name" == "$key" ]]; then
      if [[ "$value" =~ ^[A-Za-z0-9._:+~/-]{1,200}$ ]]; then
        printf '%s' "$value"
      fi
      return 0
    fi
  done <"$BAKE_MARKER"
}

# Says what the image brings, so an operator reading a boot's log sees a missing or stale bake.
log_bake_marker() {
  local what=() key value
  if [[ ! -e "$BAKE_MARKER" ]]; then
    log "image not baked (no ${BAKE_MARKER}): what the runner needs is installed at boot"
    return 0
  fi
  for key in docker runner_version nvidia_driver nvidia_container_toolkit; do
    value=$(baked "$key")
    if [[ -n "$value" ]]; then
      what+=("${key}=${value}")
    fi
  done
  log "image baked at $(baked baked_at) from $(baked base_image): ${what[*]:-nothing}"
}

check_platform() {
  [[ "$(id -u)" == "0" ]] || fail "must run as root"
  [[ -r "${ROOT}/etc/os-release" ]] || fail "no /etc/os-release: cannot tell the distribution"
  local id id_like
  id=$(os_release ID)
  id_like=$(os_release ID_LIKE)
  case " ${id} ${id_like} " in
    *" debian "* | *" ubuntu "*) ;;
    *) fail "unsupported distribution '${id}': this bootstrap needs Debian or Ubuntu" ;;
  esac
  [[ "$(uname -m)" == "x86_64" ]] || fail "unsupported architecture $(uname -m): runners are x64"
}

install_base_packages() {
  local missing=()
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
  command -v git >/dev/null 2>&1 || missing+=(git)
  [[ -e "${ROOT}/etc/ssl/certs/ca-certificates.crt" ]] || missing+=(ca-certificates)
  if ((${#missing[@]} > 0)); then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
    installed "${missing[*]}"
  fi
}

docker_version() {
  local version
  version=$(docker --version 2>/dev/null) || return 0
  version=${version#Docker version }
  printf '%s' "${version%%,*}"
}

install_docker() {
  local baked_docker
  baked_docker=$(baked docker)
  if command -v docker >/dev/null 2>&1; then
    if [[ -n "$baked_docker" ]]; then
      log "docker $(docker_version): baked into the image"
    else
      log "docker $(docker_version) is already installed"
    fi
  else
    if [[ -n "$baked_docker" ]]; then
      log "the bake marker names docker ${baked_docker}, but there is no docker binary"
    fi
    log "installing docker (docker.io)"
    apt_install docker.io
    installed docker.io
  fi
  systemctl enable --now docker
}

# Downloads the runner release, checks its sha256 and unpacks it into $1 (emptied first).
unpack_runner_release() {
  local dir=$1 workdir
  workdir=$(mktemp -d)
  log "downloading ${RUNNER_FILE}"
  download "$RUNNER_URL" "${workdir}/${RUNNER_FILE}"
  if ! (cd "$workdir" && printf '%s  %s\n' "$RUNNER_SHA256" "$RUNNER_FILE" | sha256sum --check --strict --quiet -); then
    rm -rf "$workdir"
    fail "sha256 of ${RUNNER_FILE} does not match the configured checksum; refusing to run it"
  fi
  log "sha256 of ${RUNNER_FILE} verified"
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -xzf "${workdir}/${RUNNER_FILE}" -C "$dir" --no-same-owner
  rm -rf "$workdir"
}

# Where a bake leaves the runner release RUNNER_VERSION (derived here, never read from the marker).
baked_runner_dir() {
  printf '%s/actions-runner-%s' "$BAKED_RUNNER_PARENT" "$RUNNER_VERSION"
}
