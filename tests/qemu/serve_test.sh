#!/bin/bash
# Stock firmware PXE-boots from `netboot serve` alone, over a tap device in a
# private namespace (192.0.2.0/24, no route out):
#   1. BIOS (SeaBIOS + iPXE ROM, e1000), the seed's pxebootsrv file (its
#      addresses moved to 192.0.2.0/24), DHCP server, stage 3 over HTTP;
#      --no-ipxe, so that the ROM takes pxelinux over our TFTP (the iPXE
#      script path: ipxe_test.sh; 3 and 4 take it too)
#   2. UEFI (OVMF, virtio-net) -> syslinux.efi, stage 3 over NBD
#   3. BIOS with proxy-DHCP beside dnsmasq, the segment's address server
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
need_artifacts
MARK='NETBOOT-TEST-ROOT-OK'
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}
status_json() {	# the server's /status.json, from inside the namespace
	ip netns exec "$LAB_NS" curl -s --max-time 5 "http://192.0.2.1:${1:-80}/status.json"
}
lab_up || { fail "lab" "cannot create the network namespace"; exit 1; }
boot=$TMP/boot
boot_dir "$boot"

# the seed's typical /etc/conf.d/pxebootsrv, addresses moved into the test net
seed_pxebootsrv "$TMP/pxebootsrv" 192.0.2 192.0.2.1
CONSOLE='console=ttyS0,115200 panic=-1'

# 1. BIOS, the seed's file, stage 3 over HTTP
slog=$TMP/serve-bios.log log=$TMP/bios.log mac=52:54:00:0b:00:01
if serve_start "$slog" --config "$TMP/pxebootsrv" --boot-dir "$boot" --leases "$TMP/leases" --extra "$CONSOLE" --no-ipxe; then
	qemu_tap_boot "$log" bios "$mac"
	if qemu_wait "$log" "$MARK|FAILED at"; then
		echo "INFO: BIOS PXE boot from netboot serve reached the test root in ${QEMU_SECONDS}s"
		check_log "bios/http: boots the image" "$log" "$MARK" "FAILED at"
		check_log "bios/http: the agent verified the image we checksummed" "$log" \
			"^netboot: .*(md5|sha256) \(.*\) verified against http://192\.0\.2\.1/sysrcd\.(md5|sha256)"
		check_log "bios/http: the agent's lease is the firmware's address" "$log" "handover en[a-z0-9]+\.conf: IPV4ADDR=192\.0\.2\.100"
		check_log "bios/http: router and DNS from the config" "$log" "handover en[a-z0-9]+\.conf: IPV4DNS0=192\.0\.2\.254"
		check_log "bios/http: firmware got pxelinux.0 by architecture" "$slog" "$mac dhcp: .*pxelinux\.0"
		check_log "bios/http: pxelinux fetched over our TFTP" "$slog" "tftp: .*pxelinux\.0"
		check_log "bios/http: kernel over our TFTP" "$slog" "tftp: .*vmlinuz"
		check_log "bios/http: image over our HTTP" "$slog" "http: .*sysrcd\.dat"
		json=$(status_json)
		if printf '%s' "$json" | python3 -c '
import json,sys
d=json.load(sys.stdin)
c=[x for x in d["clients"] if x["mac"]=="'"$mac"'"]
assert c and c[0]["stage"]=="image-done" and c[0]["ip"]=="192.0.2.100" and c[0]["arch"]==0, c' 2>"$TMP/json.err"; then
			pass "bios/http: status.json shows the client at image-done"
		else
			fail "bios/http: status.json" "$(tail -1 "$TMP/json.err") in $json"
		fi
	else
		fail "bios/http" "no marker within ${BOOT_TIMEOUT}s"; tail -30 "$slog"
	fi
	serve_stop
	check_log "bios/http: lease written" "$TMP/leases" "$mac"
fi

# 2. UEFI (OVMF's own PXE, arch 7) -> syslinux.efi, stage 3 over NBD
slog=$TMP/serve-uefi.log log=$TMP/uefi.log mac=52:54:00:0e:00:02
if serve_start "$slog" --config "$TMP/pxebootsrv" --boot-dir "$boot" --leases "$TMP/leases" \
	--nbd-port 10809 --stage3 nbd --extra "$CONSOLE"; then
	qemu_tap_boot "$log" uefi "$mac"
	if qemu_wait "$log" "$MARK|FAILED at"; then
		echo "INFO: UEFI PXE boot from netboot serve (stage 3 NBD) reached the test root in ${QEMU_SECONDS}s"
		check_log "uefi/nbd: boots the image" "$log" "$MARK" "FAILED at"
		check_log "uefi/nbd: root read over NBD" "$log" "^netboot: .*nbd" 
		check_log "uefi/nbd: firmware got syslinux.efi by architecture" "$slog" "$mac dhcp: .*syslinux\.efi"
		check_log "uefi/nbd: export attached" "$slog" "nbd: .*sysrcd\.dat"
		check_log "uefi/nbd: a new MAC gets the next address" "$log" "handover en[a-z0-9]+\.conf: IPV4ADDR=192\.0\.2\.101"
	else
		fail "uefi/nbd" "no marker within ${BOOT_TIMEOUT}s"; tail -30 "$slog"
	fi
	serve_stop
fi

# 3. proxy-DHCP: dnsmasq on the segment hands out addresses, we only the boot information
slog=$TMP/serve-proxy.log log=$TMP/proxy.log mac=52:54:00:0b:00:03
lab_peer nbdhcp$$ 192.0.2.2/24
ip netns exec nbdhcp$$ dnsmasq --no-daemon --port=0 --conf-file=/dev/null --user=root \
	--dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,600 --dhcp-leasefile="$TMP/dnsmasq.leases" \
	--log-facility=- --log-dhcp > "$TMP/dnsmasq.log" 2>&1 &
PIDS+=($!)
if serve_start "$slog" --proxy-dhcp --local-ip 192.0.2.1 --boot-dir "$boot" --extra "$CONSOLE"; then
	qemu_tap_boot "$log" bios "$mac"
	if qemu_wait "$log" "$MARK|FAILED at"; then
		echo "INFO: BIOS PXE boot with proxy-DHCP beside dnsmasq reached the test root in ${QEMU_SECONDS}s"
		check_log "proxy: boots the image" "$log" "$MARK" "FAILED at"
		check_log "proxy: the address came from dnsmasq" "$log" "handover en[a-z0-9]+\.conf: IPV4ADDR=192\.0\.2\.(5[0-9]|60)\b"
		check_log "proxy: dnsmasq acknowledged it" "$TMP/dnsmasq.log" "DHCPACK.*$mac"
		check_log "proxy: we sent the boot file only" "$slog" "$mac dhcp: proxy" "$mac dhcp: (offer|ack) 192"
	else
		fail "proxy" "no marker within ${BOOT_TIMEOUT}s"; tail -30 "$slog"; tail -10 "$TMP/dnsmasq.log"
	fi
	serve_stop
fi

# 4. a relayed client: the machine sits on 198.51.100.0/24 behind a router
#    namespace running dhcrelay (isc-dhcp-relay); the server answers the relay
relay=nbrelay$$ slog=$TMP/serve-relay.log log=$TMP/relay.log mac=52:54:00:0b:00:04
newns "$relay"
ip -n "$relay" link add up0 type veth peer name v-relay netns "$LAB_NS"
ip -n "$LAB_NS" link set v-relay master br0 up
ip -n "$relay" addr add 192.0.2.2/24 dev up0
ip -n "$relay" link set up0 up
ip -n "$relay" link add br1 type bridge
ip -n "$relay" link set br1 type bridge forward_delay 0 stp_state 0
ip -n "$relay" addr add 198.51.100.1/24 dev br1
ip -n "$relay" link set br1 up
ip -n "$relay" tuntap add dev tap0 mode tap
ip -n "$relay" link set tap0 master br1 up
ip netns exec "$relay" sysctl -qw net.ipv4.ip_forward=1
ip -n "$LAB_NS" route add 198.51.100.0/24 via 192.0.2.2
ip netns exec "$relay" dhcrelay -d -4 -iu up0 -id br1 192.0.2.1 > "$TMP/dhcrelay.log" 2>&1 &
PIDS+=($!)
if serve_start "$slog" --dhcp-range 198.51.100.100 198.51.100.150 --subnet 198.51.100.0 --netmask 255.255.255.0 \
	--router 198.51.100.1 --local-ip 192.0.2.1 --boot-dir "$boot" --leases "$TMP/leases-relay" --extra "$CONSOLE"; then
	qemu_tap_boot "$log" bios "$mac" 512 "$relay"
	if qemu_wait "$log" "$MARK|FAILED at"; then
		echo "INFO: BIOS PXE boot through dhcrelay reached the test root in ${QEMU_SECONDS}s"
		check_log "relay: boots the image" "$log" "$MARK" "FAILED at"
		check_log "relay: address from the relayed subnet" "$log" "handover en[a-z0-9]+\.conf: IPV4ADDR=198\.51\.100\.100"
		check_log "relay: gateway is the relay" "$log" "handover en[a-z0-9]+\.conf: IPV4GATEWAY=198\.51\.100\.1"
		check_log "relay: the server answered through the relay" "$slog" "$mac dhcp: .*(relay|198\.51\.100\.1)"
	else
		fail "relay" "no marker within ${BOOT_TIMEOUT}s"; tail -30 "$slog"; tail -10 "$TMP/dhcrelay.log"
	fi
	serve_stop
fi
