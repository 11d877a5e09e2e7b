#!/bin/bash
# Runs `npm run bench -- net-programming` against a single-node k8ts that lives in a network
# namespace made here, so its bridge, iptables rules, DNS and ingress ports stay out of the host's
# network, then removes all of it (the node with `k8ts killall`, then the namespace).
# Usage (as root, after `npx tsc`): bash bench/net-programming-netns.sh [bench flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
tag="netlat-$$"
netns="$tag"
data="$(mktemp -d "/tmp/$tag-XXXX")"
node_ip=10.99.0.2
in_ns() { nsenter --net="/var/run/netns/$netns" -- "$@"; }

cleanup() {
  set +e
  in_ns node bin/k8ts.js killall --data-dir "$data" >&2
  ip netns delete "$netns"
  rm -rf "$data"
}
trap cleanup EXIT

ip netns add "$netns"
ip -n "$netns" link set lo up
# The node's own address on a veth whose peer stays in the same namespace (it only gives the link
# a carrier); no default route, so nothing the node sends can leave the namespace.
ip -n "$netns" link add eth0 type veth peer name eth1
ip -n "$netns" addr add "$node_ip/24" dev eth0
ip -n "$netns" link set eth0 up
ip -n "$netns" link set eth1 up

in_ns node bin/k8ts.js server --data-dir "$data" --node-name "$tag" --node-ip "$node_ip" \
  --bind-address 0.0.0.0 --advertise-address "$node_ip" --https-listen-port 6443 \
  --cgroup-root "/$tag" --disable-ingress --disable-cluster-dns >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
  grep -q '^node: ' "$data/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
  sleep 0.2
done
echo "server PID $server_pid, data dir $data" >&2
in_ns node dist/bench/main.js net-programming --kubeconfig "$data/kubeconfig.yaml" "$@"
