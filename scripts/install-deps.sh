#!/bin/bash
# Installs the Debian 12 packages the build, the tests, the benchmarks and the
# demo need, if any is missing.  Services the packages ship are NOT started
# (policy-rc.d): the tests start their own servers on loopback or in private
# network namespaces, and stop them by PID.
set -euo pipefail
pkgs=(
	build-essential musl-tools clang libclang-rt-14-dev	# /init (musl), host tool, sanitizers, libFuzzer
	kmod cpio squashfs-tools busybox-static			# depmod, test root, rescue shell
	qemu-system-x86 ipxe-qemu pxelinux syslinux-common	# the machine and its real PXE chain
	dnsmasq-base tftpd-hpa tftp-hpa atftp nbd-server nbd-client	# real protocol peers
	nbdkit							# oldstyle NBD (nbdkit --oldstyle), as nbd-server 2.x spoke it
	nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-dev		# libnfs: netboot check mounts NFS exports unprivileged
	iproute2 curl wget nginx-light time gnuplot-nox linux-perf	# bench: boot race plot, profiles
	syslinux-efi ovmf					# UEFI PXE: syslinux.efi under OVMF
	isc-dhcp-client isc-dhcp-relay udhcpc libnbd-bin		# real clients of netboot serve
	kea-dhcp4-server kea-admin gnuplot-nox			# make bench: Kea and perfdhcp, plots
	kea-dhcp6-server					# DHCPv6 peer of the agent (tests/integration/dhcp6_netns.sh)
	nftables						# fault injection: packet loss in test namespaces
	valgrind python3					# memcheck.sh; python3: the tests' small fake peers and proxies
	procps							# ps --ppid: reconnect_test stops a server and the children it forked
	mmdebstrap						# real Debian roots for the QEMU tests (tests/qemu/make-debroot.sh)
	kbd console-data					# setkmap=: loadkeys -b over console-data's keymaps at make initramfs
	libsodium-dev minisign					# signatures: Ed25519 + BLAKE2b (/init links libsodium.a); test keys and signatures
	libbearssl-dev ca-certificates				# https:// (static BearSSL), the default CA bundle
	openssl tinyproxy					# https tests: a test CA and certificates, a CONNECT proxy
	lintian dpkg-dev fakeroot				# make deb: the package and its check
	ipxe						# undionly.kpxe, ipxe.efi: netboot serve chains PXE ROMs to iPXE
	cryptsetup-bin					# veritysetup: the reference netboot verity's trees are checked against
	python3-prometheus-client			# /metrics checked by the reference parser
	systemd-container				# systemd-nspawn: netboot-serve.service started under real systemd in a Debian root
	chromium					# the status page looked at in a real browser (headless screenshot)
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
