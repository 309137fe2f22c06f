#!/bin/bash
# What an administrator installs: `make install` (files and modes), the unit
# (systemd-analyze verify and security), netboot(8) (renders without warnings,
# names every command and flag), the example config, `make deb` (lintian
# without errors, conffile, dependencies), the maintainer scripts run by dpkg
# into a throw-away root (user, unit enabled, conffile kept, purge), and the
# CLI basics (--version, --help, a missing flag named).  Nothing is installed
# into this machine.
T=package
TMP_NAME=package
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
NB=$ROOT/build/netboot
need groff man systemd-analyze dpkg-deb
[ -f build/initram.igz ] || { skip all "no build/initram.igz (make initramfs)"; exit 0; }
version=$(cat VERSION)
# the commands tool/main.c dispatches
mapfile -t cmds < <(sed -n 's/^\t{ "\([a-z]*\)", cmd_.*/\1/p' tool/main.c)
[ ${#cmds[@]} -ge 6 ] || fail "commands read from tool/main.c" "${cmds[*]}"

# --- the CLI ---
out=$("$NB" --version 2>&1); rc=$?
[ $rc -eq 0 ] && [[ $out =~ ^netboot\ $version\ \(commit\ [0-9a-f]{7,}(-dirty)?\)$ ]] &&
	pass "--version: $out" || fail "--version" "exit $rc: $out"
bad=
for c in "${cmds[@]}"; do
	o=$("$NB" "$c" --help 2>"$TMP/err"); rc=$?
	[ $rc -eq 0 ] && grep -q "^usage: netboot $c" <<<"$o" && [ ! -s "$TMP/err" ] || bad+=" $c(exit $rc)"
done
[ -z "$bad" ] && pass "--help on stdout, exit 0: ${cmds[*]}" || fail "--help" "$bad"
out=$("$NB" serve 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q -- "--boot-dir" <<<"$out" && pass "serve without --boot-dir: exit 2, names the flag" ||
	fail "serve without --boot-dir" "exit $rc: $out"
out=$("$NB" fetch http://192.0.2.1/x 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q -- "give -o FILE" <<<"$out" && pass "fetch without -o: exit 2, names the flag" ||
	fail "fetch without -o" "exit $rc: $out"

# --- make install into a DESTDIR: the files and their modes ---
make -s install DESTDIR="$TMP/d" > "$TMP/install.log" 2>&1 || fail "make install" "$(tail -3 "$TMP/install.log")"
(cd "$TMP/d" && find . -printf '%M %p\n' | sort -k2) > "$TMP/files"
cat > "$TMP/want" <<'EOF'
drwxr-xr-x .
drwxr-xr-x ./etc
drwxr-xr-x ./etc/netboot
-rw-r--r-- ./etc/netboot/serve.conf
drwxr-xr-x ./usr
drwxr-xr-x ./usr/local
drwxr-xr-x ./usr/local/lib
drwxr-xr-x ./usr/local/lib/systemd
drwxr-xr-x ./usr/local/lib/systemd/system
-rw-r--r-- ./usr/local/lib/systemd/system/netboot-serve.service
drwxr-xr-x ./usr/local/lib/sysusers.d
-rw-r--r-- ./usr/local/lib/sysusers.d/netboot.conf
drwxr-xr-x ./usr/local/sbin
-rwxr-xr-x ./usr/local/sbin/netboot
drwxr-xr-x ./usr/local/share
drwxr-xr-x ./usr/local/share/man
drwxr-xr-x ./usr/local/share/man/man8
-rw-r--r-- ./usr/local/share/man/man8/netboot.8
drwxr-xr-x ./usr/local/share/netboot
-rw-r--r-- ./usr/local/share/netboot/initram.igz
-rw-r--r-- ./usr/local/share/netboot/vmlinuz
EOF
diff "$TMP/want" "$TMP/files" > "$TMP/files.diff" && pass "make install: $(grep -c '^-' "$TMP/want") files, modes as expected" ||
	fail "make install: file list" "$(head -5 "$TMP/files.diff" | tr '\n' ' ')"
cmp -s build/initram.igz "$TMP/d/usr/local/share/netboot/initram.igz" && cmp -s "$NB" "$TMP/d/usr/local/sbin/netboot" &&
	pass "installed netboot and initram.igz are the built ones" || fail "installed copies differ from build/"
grep -qx 'ExecStart=/usr/local/sbin/netboot serve --config /etc/netboot/serve.conf --boot-dir /srv/netboot --leases /var/lib/netboot/leases' \
	"$TMP/d/usr/local/lib/systemd/system/netboot-serve.service" && pass "unit: ExecStart with the installed paths" ||
	fail "unit: ExecStart" "$(grep ExecStart= "$TMP/d/usr/local/lib/systemd/system/netboot-serve.service")"
echo "# edited" >> "$TMP/d/etc/netboot/serve.conf"
make -s install DESTDIR="$TMP/d" >/dev/null 2>&1
tail -1 "$TMP/d/etc/netboot/serve.conf" | grep -q edited && pass "make install again keeps an edited serve.conf" ||
	fail "make install overwrote serve.conf"

# --- the unit, installed under a prefix so its paths exist here ---
P=$TMP/p
make -s install PREFIX="$P" SYSCONFDIR="$P/etc" >/dev/null 2>&1
unit=$P/lib/systemd/system/netboot-serve.service
if MANPATH=$P/share/man systemd-analyze verify "$unit" > "$TMP/verify" 2>&1; then
	pass "systemd-analyze verify accepts the unit"
else
	FAIL_SHOW=$TMP/verify fail "systemd-analyze verify"
fi
score=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' && pass "systemd-analyze security: exposure $score (<= 2.0)" ||
	fail "systemd-analyze security" "exposure '$score', want <= 2.0"
grep -q '^CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW$' "$unit" && grep -q '^User=netboot$' "$unit" &&
	grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unit" && grep -q '^StateDirectory=netboot$' "$unit" &&
	pass "unit: user netboot, CAP_NET_BIND_SERVICE and CAP_NET_RAW (the RA) only, StateDirectory, reload by SIGHUP" || fail "unit settings"

# --- the example config: read without a warning, commented lines too ---
mkdir -p "$TMP/boot"; : > "$TMP/boot/vmlinuz"; : > "$TMP/boot/initram.igz"	# --print-config checks for them
out=$("$NB" serve --boot-dir "$TMP/boot" --config packaging/serve.conf --print-config 2>&1 >/dev/null); rc=$?
sed 's/^#PXE/PXE/; s/^PXEBOOTSRV_DODHCPD="no"/PXEBOOTSRV_DODHCPD="yes"/' packaging/serve.conf > "$TMP/all.conf"
out2=$("$NB" serve --boot-dir "$TMP/boot" --config "$TMP/all.conf" --print-config 2>&1 >/dev/null); rc2=$?
[ $rc -eq 0 ] && [ -z "$out" ] && [ $rc2 -eq 0 ] && [ -z "$out2" ] &&
	pass "serve.conf read without warnings (as shipped, and every example uncommented)" ||
	fail "serve.conf" "exit $rc/$rc2: $out $out2"
"$NB" serve --boot-dir "$TMP/boot" --config packaging/serve.conf --print-config | grep -qx 'dhcp = proxy' &&
	pass "serve.conf as shipped: proxy-DHCP" || fail "serve.conf as shipped is not proxy-DHCP"

# --- the server as the unit runs it: an unprivileged user whose only
# capability is CAP_NET_BIND_SERVICE (setpriv stands in for systemd's User=,
# AmbientCapabilities=, CapabilityBoundingSet=, NoNewPrivileges=), in private
# namespaces: DHCP on 67 with --interface, TFTP on 69, HTTP on 80, NBD ---
if [ "$(id -u)" = 0 ] && netns_usable && command -v setpriv >/dev/null && command -v busybox >/dev/null; then
	S=nbpkg-s-$tag C=nbpkg-c-$tag
	newns "$S" && newns "$C" && veth "$C" eth0 "$S" s0 && ip -n "$S" addr add 192.0.2.1/24 dev s0 &&
		ip -n "$S" link set s0 up && ip -n "$C" link set eth0 up || fail "namespaces"
	chmod 755 "$TMP"
	mkdir -p "$TMP/srv" "$TMP/state"
	: > "$TMP/srv/vmlinuz"; : > "$TMP/srv/initram.igz"; head -c 100000 /dev/urandom > "$TMP/srv/sysrcd.dat"
	chown -R nobody "$TMP/srv" "$TMP/state"
	ip netns exec "$S" setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --no-new-privs \
		--inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service --bounding-set=-all,+net_bind_service \
		"$NB" serve --boot-dir "$TMP/srv" --interface s0 --dhcp-range 192.0.2.100 192.0.2.110 --netmask 255.255.255.0 \
		--local-ip 192.0.2.1 --nbd-port 10809 --leases "$TMP/state/leases" > "$TMP/srv.log" 2>&1 &
	srv=$!; PIDS+=($srv)
	for _ in $(seq 50); do grep -qs ready "$TMP/srv.log" && break; sleep 0.1; done
	grep -q ready "$TMP/srv.log" && pass "serve starts as nobody with CAP_NET_BIND_SERVICE alone (67, 69, 80, 10809)" ||
		FAIL_SHOW=$TMP/srv.log fail "serve with CAP_NET_BIND_SERVICE alone"
	printf '#!/bin/sh\n[ "$1" = bound ] && echo "$ip" > "$OUT"\nexit 0\n' > "$TMP/udhcpc.sh"
	chmod +x "$TMP/udhcpc.sh"
	OUT=$TMP/lease timeout 20 ip netns exec "$C" busybox udhcpc -f -q -n -t 3 -T 2 -i eth0 -s "$TMP/udhcpc.sh" >/dev/null 2>&1
	grep -qE '^192\.0\.2\.1[01][0-9]?$' "$TMP/lease" 2>/dev/null && grep -q . "$TMP/state/leases" &&
		pass "DHCP lease $(cat "$TMP/lease") from it, written to the lease file" || fail "DHCP as nobody" "$(cat "$TMP/lease" 2>&1)"
	ip -n "$C" addr add 192.0.2.50/24 dev eth0
	ip netns exec "$C" curl -sf --max-time 5 http://192.0.2.1/sysrcd.dat -o "$TMP/h" && cmp -s "$TMP/h" "$TMP/srv/sysrcd.dat" &&
		ip netns exec "$C" curl -sf --max-time 5 tftp://192.0.2.1/sysrcd.dat -o "$TMP/t" && cmp -s "$TMP/t" "$TMP/srv/sysrcd.dat" &&
		[ -s "$TMP/srv/sysrcd.md5" ] && pass "HTTP and TFTP serve the image; sysrcd.md5 written into the boot folder" ||
		FAIL_SHOW=$TMP/srv.log fail "HTTP/TFTP as nobody"
	kill "$srv" 2>/dev/null
else
	skip "server with CAP_NET_BIND_SERVICE alone" "needs root, network namespaces, setpriv and busybox"
fi

# --- netboot(8) ---
man8=$TMP/d/usr/local/share/man/man8/netboot.8
warn=$(LC_ALL=C.UTF-8 groff -man -ww -z "$man8" 2>&1)
[ -z "$warn" ] && pass "netboot(8): groff -man -ww: no warnings" || fail "netboot(8): groff warnings" "$warn"
LC_ALL=C MANWIDTH=80 man -l "$man8" > "$TMP/man.txt" 2>"$TMP/man.err"
[ -s "$TMP/man.txt" ] && [ ! -s "$TMP/man.err" ] && ! grep -q '@VERSION@\|@DATE@' "$TMP/man.txt" &&
	grep -q "netboot $version" "$TMP/man.txt" && pass "man -l renders it, version filled in" || fail "man -l" "$(head -3 "$TMP/man.err")"
missing=
for c in "${cmds[@]}"; do grep -q "^   netboot $c\$" "$TMP/man.txt" || missing+=" $c"; done
[ -z "$missing" ] && pass "netboot(8) has a section for each command: ${cmds[*]}" || fail "netboot(8) lacks commands" "$missing"
# every long flag a command's --help names is in the page
missing=
for c in "${cmds[@]}"; do
	for f in $("$NB" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -q -- "$f\b" "$TMP/man.txt" || missing+=" $c:$f"
	done
done
[ -z "$missing" ] && pass "netboot(8) documents every flag of every --help" || fail "netboot(8) lacks flags" "$missing"
# and every PXEBOOTSRV_ key server/pxebootsrv.c reads
missing=
for k in $(sed -n 's/^\t{ "\([A-Z0-9_]*\)", set_.*/\1/p' server/pxebootsrv.c) MIRRORS_1; do
	grep -q "PXEBOOTSRV_$k\b" "$TMP/man.txt" || missing+=" $k"
done
[ -z "$missing" ] && pass "netboot(8) documents every PXEBOOTSRV_ key" || fail "netboot(8) lacks keys" "$missing"

# --- make deb, lintian, the package's contents ---
if ! make -s deb DEB_DIR="$TMP/deb" > "$TMP/deb.log" 2>&1; then
	FAIL_SHOW=$TMP/deb.log fail "make deb"
	exit 1
fi
deb=$(echo "$TMP"/deb/netboot_"$version"-*_*.deb)
[ -f "$deb" ] && pass "make deb: $(basename "$deb")" || { fail "make deb: no package" "$deb"; exit 1; }
if command -v lintian >/dev/null; then
	lintian --no-tag-display-limit "$deb" > "$TMP/lintian" 2>&1
	errors=$(grep -c '^E:' "$TMP/lintian")
	[ "$errors" -eq 0 ] && pass "lintian: no errors ($(grep -c '^W:' "$TMP/lintian") warnings)" ||
		FAIL_SHOW=$TMP/lintian fail "lintian: $errors errors"
else
	skip lintian "not installed"
fi
dpkg-deb -c "$deb" > "$TMP/contents"
missing=
for f in ./usr/sbin/netboot ./lib/systemd/system/netboot-serve.service ./etc/netboot/serve.conf \
	./usr/share/man/man8/netboot.8.gz ./usr/share/netboot/initram.igz ./usr/share/netboot/vmlinuz \
	./usr/lib/sysusers.d/netboot.conf ./usr/share/doc/netboot/copyright ./usr/share/doc/netboot/changelog.Debian.gz; do
	grep -q " $f\$" "$TMP/contents" || missing+=" $f"
done
[ -z "$missing" ] && pass "dpkg-deb -c: binary, unit, conffile, man page, kernel, initramfs, doc" || fail "dpkg-deb -c lacks" "$missing"
! grep -q ' \./srv' "$TMP/contents" && ! grep -v ' root/root ' "$TMP/contents" | grep -q . &&
	pass "dpkg-deb -c: all root/root, nothing in /srv" || fail "dpkg-deb -c: owners or /srv"
[ "$(dpkg-deb -f "$deb" Version)" = "$version-1" ] && dpkg-deb -I "$deb" conffiles | grep -qx /etc/netboot/serve.conf &&
	pass "dpkg-deb -I: version $version-1, conffile /etc/netboot/serve.conf" || fail "dpkg-deb -I: version or conffile"
dep=$(dpkg-deb -f "$deb" Depends)
# the libraries the dynamic binary links, each a dependency
libs=$(ldd "$NB" | awk '/=> \// {print $1}' | grep -v '^libc\.so' | sed 's/\.so\.\([0-9]*\)$/\1/; s/\.so\..*//')
bad=
for l in $libs libc6 adduser; do grep -q "\b$l\b" <<<"$dep" || bad+=" $l"; done
[ -z "$bad" ] && pass "Depends: $dep" || fail "Depends lacks$bad" "$dep"

# --- the maintainer scripts, run by dpkg into a throw-away root ---
R=$TMP/root
mkdir -p "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/info" "$R/etc"
: > "$R/var/lib/dpkg/status"; : > "$R/var/lib/dpkg/available"
in_root() { dpkg --root="$R" --force-script-chrootless --force-depends "$@" > "$TMP/dpkg.log" 2>&1; }
wants=$R/etc/systemd/system/multi-user.target.wants/netboot-serve.service
if in_root -i "$deb"; then
	[ "$(readlink "$wants")" = /lib/systemd/system/netboot-serve.service ] && grep -q '^netboot:' "$R/etc/passwd" &&
		pass "dpkg -i: user netboot created, netboot-serve enabled" ||
		FAIL_SHOW=$TMP/dpkg.log fail "dpkg -i: user or unit" "$(ls -l "$wants" 2>&1)"
else
	FAIL_SHOW=$TMP/dpkg.log fail "dpkg -i into a throw-away root"
fi
echo 'PXEBOOTSRV_TIMEOUT="5"' >> "$R/etc/netboot/serve.conf"
in_root -i "$deb" && tail -1 "$R/etc/netboot/serve.conf" | grep -q TIMEOUT && [ -L "$wants" ] &&
	pass "dpkg -i again (upgrade): edited conffile kept, still enabled" || FAIL_SHOW=$TMP/dpkg.log fail "upgrade"
in_root -r netboot && [ ! -e "$R/usr/sbin/netboot" ] && [ "$(readlink "$R/etc/systemd/system/netboot-serve.service")" = /dev/null ] &&
	[ -f "$R/etc/netboot/serve.conf" ] && pass "dpkg -r: files gone, unit masked, conffile kept" ||
	FAIL_SHOW=$TMP/dpkg.log fail "dpkg -r"
in_root -P netboot && [ ! -e "$R/etc/netboot/serve.conf" ] && [ ! -e "$R/etc/systemd/system/netboot-serve.service" ] &&
	[ ! -e "$wants" ] && pass "dpkg -P: conffile, mask and enablement gone" || FAIL_SHOW=$TMP/dpkg.log fail "dpkg -P"
exit 0
