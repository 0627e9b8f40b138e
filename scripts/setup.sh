#!/usr/bin/env bash
# Installs what sluice needs to build and test, from Debian 12 packages.
# Fast when everything is present: one dpkg-query, no apt-get.
set -euo pipefail

PACKAGES=(
	build-essential cmake pkg-config clang clang-format libclang-rt-14-dev git
	libssl-dev libuv1-dev libpam0g-dev libcmocka-dev
	python3 python3-pytest openssh-client openssh-server
	iproute2 procps
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "setup: installing ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
