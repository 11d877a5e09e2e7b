#!/usr/bin/env bash
# Installs the system packages k8ts needs (Debian). Idempotent: does nothing when all are present.
# Runs as root (or via sudo). Used by the README's commands and by CI.
set -euo pipefail

PACKAGES=(
  # node runtime: containers through CRI, pod networking, service rules
  containerd runc containernetworking-plugins iptables conntrack iproute2
  # NetworkPolicy enforcement (pod address sets matched from iptables)
  ipset
  # kube-proxy's nftables mode (--proxy-mode nftables)
  nftables
  # test images built offline and served by a local registry
  busybox-static umoci skopeo docker-registry
  # HA datastore
  etcd-server etcd-client
  # the official Python client, used by the compatibility tests
  python3 python3-kubernetes
  # a headless browser, only for the dashboard's e2e test (driven by playwright-core)
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Packages may ship services (containerd, etcd, docker-registry); k8ts runs its own instances,
# so keep the package scripts from starting them.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
