# autorunner: NVIDIA driver and container toolkit for GPU runner VMs (Debian or Ubuntu, x64).
#
# A fragment, not a script: it is inlined at the placeholder NVIDIA_DRIVER_FUNCTIONS of startup.sh
# (by StartupScripts) and of bake.sh (by deploy/bake-image.sh), so a VM receives one
# self-contained script. It only defines functions; it uses log, fail, apt_get, apt_install,
# download, os_release, baked, installed, ROOT, APT_SOURCES, DOCKER_DAEMON_CONFIG, STATE_DIR and
# REBOOTING from functions.sh.
#
# Driver source. The GPU images (e.g. Deep Learning VM images) ship the driver; it is used as is
# whenever `nvidia-smi` works. Otherwise the distribution's own packages are installed, never a
# downloaded `.run` file:
#   - Ubuntu: `ubuntu-drivers install --gpgpu nvidia:BRANCH` plus `nvidia-utils-BRANCH`, the
#     procedure of https://ubuntu.com/server/docs/nvidia-drivers-installation (the kernel modules
#     come prebuilt and signed by Canonical, so Secure Boot keeps working);
#   - Debian: `nvidia-driver` and `firmware-misc-nonfree` from the contrib/non-free components,
#     built by DKMS for the running kernel (https://wiki.debian.org/NvidiaGraphicsDrivers). These
#     modules are unsigned: Shielded VM Secure Boot must stay off for such images.
# Google's alternative, cuda_installer.pyz (https://cloud.google.com/compute/docs/gpus/install-drivers-gpu),
# reboots several times and fetches unpinned code; a GPU image with the driver is the better path.
# If the module cannot be loaded right after the install (e.g. nouveau holds the GPU), the VM
# reboots once; GCE runs the startup script again at boot, and the runner has not started yet.
#
# Container toolkit: nvidia-container-toolkit from NVIDIA's apt repository, signed-by its key
# (https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html),
# then `nvidia-ctk runtime configure --runtime=docker` and a docker restart. The key is fetched
# over HTTPS from the same host as the packages, so that alone would trust whoever controls the
# host: its fingerprint is pinned, and any other key stops the bootstrap (the VM powers off).

# Ubuntu driver branches, preferred first (the "-server" builds are the data-center ones).
readonly NVIDIA_UBUNTU_BRANCHES=(570-server 535-server)
readonly NVIDIA_TOOLKIT_KEYRING="${ROOT}/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg"
readonly NVIDIA_TOOLKIT_KEY_URL=https://nvidia.github.io/libnvidia-container/gpgkey
# The primary key behind NVIDIA_TOOLKIT_KEY_URL (also long served as nvidia-docker's gpgkey).
# Where the value comes from: NVIDIA's install guide publishes no fingerprint, so this is the one
# public projects pin for that URL (independent ones agree, one of them fetched it in 2026-05);
# it could not be checked against the served key here, which had no network. If NVIDIA rotates
# the key, every GPU VM powers off at this check until the constant is updated: that is the point.
readonly NVIDIA_TOOLKIT_KEY_FINGERPRINT=C95B321B61E88C1809C4F759DDCAE044F796ECB0

nvidia_driver_works() {
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >/dev/null 2>&1
}

nvidia_driver_version() {
  nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -n 1
}

ensure_nvidia_driver() {
  local baked_driver
  baked_driver=$(baked nvidia_driver)
  if nvidia_driver_works; then
    log "NVIDIA driver present: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -n 1)" \
      "(${baked_driver:+baked }${baked_driver:-not baked})"
    return 0
  fi
  if [[ -n "$baked_driver" ]]; then
    log "the bake marker names NVIDIA driver ${baked_driver}, but nvidia-smi fails"
  fi
  log "no working NVIDIA driver on this image; installing the distribution's driver"
  install_nvidia_driver_packages
  load_nvidia_driver
  nvidia_driver_works || fail "the NVIDIA driver is installed but nvidia-smi still fails"
  log "NVIDIA driver ready: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -n 1)"
  installed "nvidia driver $(nvidia_driver_version)"
}

install_nvidia_driver_packages() {
  local id
  id=$(os_release ID)
  case "$id" in
    ubuntu) install_nvidia_driver_ubuntu ;;
    debian) install_nvidia_driver_debian ;;
    *) fail "no NVIDIA driver recipe for distribution '${id}'" ;;
  esac
}

install_nvidia_driver_ubuntu() {
  local branch chosen=''
  apt_install ubuntu-drivers-common
  for branch in "${NVIDIA_UBUNTU_BRANCHES[@]}"; do
    if apt-cache show "nvidia-utils-${branch}" >/dev/null 2>&1; then
      chosen=$branch
      break
    fi
  done
  [[ -n "$chosen" ]] || fail "none of the NVIDIA driver branches ${NVIDIA_UBUNTU_BRANCHES[*]} is in this Ubuntu's archive"
  log "installing NVIDIA driver branch ${chosen} (ubuntu-drivers --gpgpu)"
  ubuntu-drivers install --gpgpu "nvidia:${chosen}"
  apt_install "nvidia-utils-${chosen}"
}

install_nvidia_driver_debian() {
  local codename
  codename=$(os_release VERSION_CODENAME)
  [[ -n "$codename" ]] || fail "cannot tell the Debian release"
  # The driver lives in contrib/non-free, which GCE's Debian images leave disabled.
  cat >"${APT_SOURCES}/autorunner-nvidia.list" <<SOURCES
deb https://deb.debian.org/debian ${codename} contrib non-free non-free-firmware
deb https://deb.debian.org/debian ${codename}-updates contrib non-free non-free-firmware
deb https://security.debian.org/debian-security ${codename}-security contrib non-free non-free-firmware
SOURCES
  apt_get update
  log "installing nvidia-driver for Debian ${codename} (DKMS)"
  apt_install "linux-headers-$(uname -r)" nvidia-driver firmware-misc-nonfree
}

load_nvidia_driver() {
  if modprobe nvidia 2>/dev/null; then
    return 0
  fi
  # nouveau may hold the GPU; the driver packages blacklist it for the next boot.
  modprobe -r nouveau 2>/dev/null || true
  if modprobe nvidia 2>/dev/null; then
    return 0
  fi
  if [[ -e "${STATE_DIR}/nvidia-reboot-done" ]]; then
    fail "the NVIDIA kernel module does not load, even after a reboot"
  fi
  touch "${STATE_DIR}/nvidia-reboot-done"
  log "the NVIDIA kernel module needs a reboot to load; rebooting once"
  REBOOTING=1
  systemctl reboot
  exit 0
}

# The primary keys' fingerprints in an OpenPGP key file, one a line; subkeys' are left out (a
# subkey's fingerprint follows its "sub" record). gpg --show-keys reads without importing.
nvidia_key_fingerprints() {
  gpg --batch --with-colons --show-keys "$1" 2>/dev/null |
    awk -F: '$1 == "pub" { primary = 1; next }
      $1 == "sub" { primary = 0 }
      $1 == "fpr" && primary { print $10; primary = 0 }'
}

# Fails unless the key file holds NVIDIA's pinned key and no other: apt trusts every key of a
# signed-by keyring for that repository.
verify_nvidia_toolkit_key() {
  local found
  found=$(nvidia_key_fingerprints "$1") || found=''
  if [[ "$found" != "$NVIDIA_TOOLKIT_KEY_FINGERPRINT" ]]; then
    found=${found//$'\n'/ }
    fail "the key at ${NVIDIA_TOOLKIT_KEY_URL} is not NVIDIA's pinned ${NVIDIA_TOOLKIT_KEY_FINGERPRINT} (found: ${found:-no key})"
  fi
  log "NVIDIA repository key ${NVIDIA_TOOLKIT_KEY_FINGERPRINT} verified"
}

nvidia_toolkit_version() {
  dpkg-query --show --showformat='${Version}' nvidia-container-toolkit 2>/dev/null || true
}

install_nvidia_container_toolkit() {
  local before after
  if dpkg-query --show --showformat='${Status}' nvidia-container-toolkit 2>/dev/null | grep -q 'install ok installed'; then
    if [[ -n "$(baked nvidia_container_toolkit)" ]]; then
      log "nvidia-container-toolkit $(nvidia_toolkit_version): baked into the image"
    else
      log "nvidia-container-toolkit $(nvidia_toolkit_version) is already installed"
    fi
  else
    if [[ -n "$(baked nvidia_container_toolkit)" ]]; then
      log "the bake marker names nvidia-container-toolkit $(baked nvidia_container_toolkit), but it is not installed"
    fi
    log "installing nvidia-container-toolkit from NVIDIA's apt repository"
    local key
    key=$(mktemp)
    download "$NVIDIA_TOOLKIT_KEY_URL" "$key"
    verify_nvidia_toolkit_key "$key"
    gpg --batch --yes --dearmor --output "$NVIDIA_TOOLKIT_KEYRING" "$key"
    rm -f "$key"
    chmod 0644 "$NVIDIA_TOOLKIT_KEYRING"
    # $(ARCH) is apt's own substitution, written literally on purpose.
    # shellcheck disable=SC2016
    printf 'deb [signed-by=%s] https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH) /\n' \
      "$NVIDIA_TOOLKIT_KEYRING" >"${APT_SOURCES}/nvidia-container-toolkit.list"
    apt_get update
    apt_install nvidia-container-toolkit
    installed "nvidia-container-toolkit $(nvidia_toolkit_version)"
  fi
  # A baked image's docker already knows the runtime: the restart (seconds) only when it changed.
  before=$(sha256sum 2>/dev/null <"$DOCKER_DAEMON_CONFIG" || true)
  nvidia-ctk runtime configure --runtime=docker --config="$DOCKER_DAEMON_CONFIG"
  after=$(sha256sum 2>/dev/null <"$DOCKER_DAEMON_CONFIG" || true)
  if [[ "$before" != "$after" ]]; then
    systemctl restart docker
  else
    log "docker already has the nvidia runtime"
  fi
  # Fails early, with the reason, when the toolkit cannot see the driver.
  nvidia-container-cli info >/dev/null || fail "nvidia-container-cli cannot reach the NVIDIA driver"
  log "docker can hand GPUs to containers (--gpus all)"
}
