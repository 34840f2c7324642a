#!/usr/bin/env bash
# Provision the tools the e2e testbed (test/harness/) needs: Open vSwitch, ovs-testcontroller,
# etcd, Chromium and promtool.
#
# Idempotent; run at the start of `npm test`. When everything is present it only checks.
# When something is missing:
#   - root on Debian/Ubuntu: apt-get installs the packages (apt-get update first only if
#     the package lists are empty or the install fails). Service start-up is blocked
#     during the install (policy-rc.d), so no system ovs-vswitchd is left running; the
#     tests start private daemons in their own run dirs and network namespaces anyway.
#   - otherwise: exits 1 naming the exact packages to install.
# Works without systemd (containers). Set PROVISION_QUIET=1 to silence progress lines.
set -euo pipefail

export PATH="${PATH}:/usr/local/sbin:/usr/sbin:/sbin"

# command -> Debian package providing it (ovsdb-*/ovs-ofctl/ovs-appctl come from
# openvswitch-common, which openvswitch-switch depends on).
declare -A PACKAGE_OF=(
  [ovs-vsctl]=openvswitch-switch
  [ovs-vswitchd]=openvswitch-switch
  [ovsdb-server]=openvswitch-switch
  [ovsdb-tool]=openvswitch-switch
  [ovs-ofctl]=openvswitch-switch
  [ovs-appctl]=openvswitch-switch
  [ovs-pki]=openvswitch-pki
  [ping]=iputils-ping
  [ip]=iproute2
  [ethtool]=ethtool
  [ovs-testcontroller]=openvswitch-testcontroller
  [etcd]=etcd-server
  [etcdctl]=etcd-client
  [chromium]=chromium
)
COMMANDS=(ovs-vsctl ovs-vswitchd ovsdb-server ovsdb-tool ovs-ofctl ovs-appctl ovs-pki ping ip ethtool
  ovs-testcontroller etcd etcdctl chromium)
ALL_PACKAGES=(openvswitch-switch iputils-ping ethtool openvswitch-pki iproute2
  openvswitch-testcontroller etcd-server etcd-client chromium)

say() { [[ "${PROVISION_QUIET:-}" == 1 ]] || echo "provision: $*"; }
die() {
  echo "provision: ERROR: $*" >&2
  exit 1
}

# An executable named $1 on PATH (bash's `command -v` also reports non-executable files).
has_command() {
  local path
  path="$(type -P "$1" 2>/dev/null)" && [[ -x "$path" ]]
}

missing_commands() {
  local cmd
  for cmd in "${COMMANDS[@]}"; do
    has_command "$cmd" || echo "$cmd"
  done
}

packages_for() {
  local cmd
  for cmd in "$@"; do echo "${PACKAGE_OF[$cmd]}"; done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

is_debian() {
  [[ -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1
}

apt_lists_empty() {
  ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

# Keep maintainer scripts from starting services (no systemd in containers; and we do
# not want a system ovs-vswitchd). Only installed if the admin has no policy-rc.d.
POLICY_RC=/usr/sbin/policy-rc.d
OWN_POLICY_RC=0
block_service_start() {
  if [[ ! -e "$POLICY_RC" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
    chmod 755 "$POLICY_RC"
    OWN_POLICY_RC=1
  fi
}
restore_service_start() {
  if [[ "$OWN_POLICY_RC" == 1 ]]; then
    rm -f "$POLICY_RC"
    OWN_POLICY_RC=0
  fi
}
trap restore_service_start EXIT

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=120 "${ALL_PACKAGES[@]}"
}

install_packages() {
  say "installing ${ALL_PACKAGES[*]} with apt-get"
  block_service_start
  if apt_lists_empty; then
    say "apt package lists are empty: running apt-get update"
    apt-get update -o DPkg::Lock::Timeout=120 || die "apt-get update failed"
  fi
  if ! apt_install; then
    say "apt-get install failed: running apt-get update and retrying"
    apt-get update -o DPkg::Lock::Timeout=120 || die "apt-get update failed"
    apt_install || die "apt-get install ${ALL_PACKAGES[*]} failed"
  fi
  restore_service_start
  # If a service was started anyway (e.g. the admin's policy allows it), stop it: the
  # tests never use the system instance.
  if command -v service >/dev/null 2>&1; then
    local svc
    for svc in openvswitch-switch openvswitch-testcontroller etcd; do
      service "$svc" stop >/dev/null 2>&1 || true
    done
  fi
  say "packages installed"
}

# promtool ships in Debian's prometheus package (96 MB installed, with a service we never
# run): take only the promtool binary out of the downloaded .deb.
PROMTOOL_DIR=/usr/local/lib/ofctl-ts-testbed
install_promtool() {
  has_command promtool && return 0
  if [[ -x "$PROMTOOL_DIR/promtool" ]]; then
    ln -sf "$PROMTOOL_DIR/promtool" /usr/local/bin/promtool
    return 0
  fi
  if [[ "$(id -u)" -ne 0 ]] || ! is_debian; then
    die "promtool missing. Run: sudo apt-get install -y --no-install-recommends prometheus (or put promtool on PATH)"
  fi
  say "installing promtool from Debian's prometheus package (binary only)"
  local tmp
  tmp="$(mktemp -d)"
  chmod 755 "$tmp" # apt's _apt user downloads into it
  (cd "$tmp" && apt-get download prometheus >/dev/null) || die "apt-get download prometheus failed"
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x" || die "cannot unpack the prometheus package"
  mkdir -p "$PROMTOOL_DIR"
  install -m 755 "$tmp/x/usr/bin/promtool" "$PROMTOOL_DIR/promtool"
  ln -sf "$PROMTOOL_DIR/promtool" /usr/local/bin/promtool
  rm -rf "$tmp"
  say "promtool installed ($(promtool --version 2>&1 | head -n1))"
}

# Namespaces need CAP_SYS_ADMIN: fail early with a clear hint inside unprivileged containers.
check_netns() {
  local probe="ofh-probe-$$"
  if ! ip netns add "$probe" 2>/dev/null; then
    die "cannot create network namespaces (ip netns add failed); a container needs --privileged (or CAP_SYS_ADMIN + CAP_NET_ADMIN)"
  fi
  ip netns delete "$probe" 2>/dev/null || true
}

main() {
  local missing
  mapfile -t missing < <(missing_commands)
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "testbed tools present ($(ovs-vswitchd --version | head -n1))"
  else
    local pkgs
    pkgs="$(packages_for "${missing[@]}")"
    say "missing commands: ${missing[*]}"
    if [[ "$(id -u)" -ne 0 ]]; then
      die "not root, cannot install. Run: sudo apt-get install -y --no-install-recommends ${pkgs}"
    fi
    if ! is_debian; then
      die "not a Debian system (no apt-get). Install the equivalents of the Debian packages: ${pkgs}"
    fi
    install_packages
    mapfile -t missing < <(missing_commands)
    if [[ ${#missing[@]} -ne 0 ]]; then
      die "still missing after install: ${missing[*]}"
    fi
    say "testbed tools present ($(ovs-vswitchd --version | head -n1))"
  fi
  install_promtool
  if [[ "$(id -u)" -eq 0 ]]; then
    check_netns
  else
    say "warning: not root; the OVS e2e tests need root (network namespaces)"
  fi
}

main "$@"
