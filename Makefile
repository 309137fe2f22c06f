# netboot: static musl /init for the initramfs, a glibc host tool, tests, benchmarks.
# Sources are found by folder, so a new file needs no Makefile change:
#   cmdline/ netboot/ fetch/ mount/ console/  shared library code (client, server, tool, init)
#   init/    the agent's stages (musl, static)      tool/  the host tool build/netboot
#   *_fuzz.c beside a parser: libFuzzer harness     tests/unit/*_test.c: one binary each
B        := build
CC       ?= gcc
MUSL_CC  ?= musl-gcc
CLANG    ?= clang
# the build date is the clock's floor for TLS certificate checks (netboot/tls.c):
# the last commit's time, so a rebuild of one commit gives the same bytes
BUILD_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
CSTD     := -std=c11 -D_GNU_SOURCE -I. -DNETBOOT_BUILD_EPOCH=$(BUILD_EPOCH)
WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LIB_DIRS := cmdline netboot fetch mount console
LIB_SRCS := $(filter-out %_fuzz.c,$(wildcard $(addsuffix /*.c,$(LIB_DIRS))))
# the server is host-only: the tool, the tests and the fuzzers link it, /init does not
HOST_DIRS:= $(LIB_DIRS) server
HOST_SRCS:= $(filter-out %_fuzz.c,$(wildcard $(addsuffix /*.c,$(HOST_DIRS))))
HDRS     := $(wildcard $(addsuffix /*.h,$(HOST_DIRS) init tool tests/unit scripts))
INIT_SRCS:= $(wildcard init/*.c)
TOOL_SRCS:= $(wildcard tool/*.c)
# libnfs (Debian libnfs-dev) for `netboot check` on nfs:// sources, host tool only;
# tool/check_nfs.c falls back to a TCP probe when the header is absent
NFS_LIBS := $(if $(wildcard /usr/include/nfsc/libnfs.h),-lnfs)
TESTS    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/*_test.c))
# drivers and fake peers the integration tests and benchmarks run (host build)
TEST_TOOLS := $(patsubst tests/integration/%.c,$(B)/integration/%,$(wildcard tests/integration/*.c))
# scripts/: the build tools' parsers (mkcpio's list), linked into the fuzzers only
FUZZ_DIRS:= $(HOST_DIRS) scripts
FUZZ_SRCS:= $(HOST_SRCS) scripts/cpiolist.c
FUZZERS  := $(patsubst %.c,$(B)/fuzz/%,$(notdir $(wildcard $(addsuffix /*_fuzz.c,$(FUZZ_DIRS)))))
# libsodium (Debian libsodium-dev): Ed25519 and BLAKE2b for minisign signatures.
# /init links Debian's static libsodium.a (built for glibc) plus init/sodium_shim.c:
# the one fortified glibc symbol it calls, and a trim of what verification never
# reaches (docs/design.md); everything else links the shared library.
SODIUM_A := /usr/lib/x86_64-linux-gnu/libsodium.a
SODIUM_LIBS := -lsodium
KERNEL_DIR := $(B)/kernel
MUSL_INC := $(B)/musl-include
# BearSSL (Debian libbearssl-dev) for https://, linked statically everywhere;
# its glibc fortify calls are met by netboot/fortify_shim.c under musl
BEARSSL_A ?= /usr/lib/x86_64-linux-gnu/libbearssl.a
TLS_LIBS := $(BEARSSL_A)
# CA certificates packed into the initramfs (make initramfs CA=file)
CA       ?= /etc/ssl/certs/ca-certificates.crt

# `netboot --version`: the release (VERSION) and the commit built (git describe),
# in build/version.h, rewritten only when they change; only tool/main.c reads it
VERSION    := $(shell cat VERSION)
GIT_COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
VERSION_H   = $(if $(filter %tool/main.o,$@),-include $(B)/version.h)

# keep intermediate objects; let the fuzzer rule name its own source
.SECONDARY:
.SECONDEXPANSION:
.PHONY: FORCE all initramfs check deps bench demo fuzz fuzz-run fuzzers clean kernel testroot install deb
all: $(B)/init $(B)/netboot $(B)/mkcpio

# --- host objects (glibc) and the same objects with sanitizers for tests ---
$(B)/host/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) $(VERSION_H) -c $< -o $@
$(B)/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo '  CC-SAN  $<'
	@$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(VERSION_H) -c $< -o $@
# --- musl objects for the static /init ---
$(MUSL_INC):
	@mkdir -p $@
	ln -sfn /usr/include/linux $@/linux
	ln -sfn /usr/include/asm-generic $@/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm $@/asm
# libsodium's headers only, not the rest of glibc's /usr/include
$(MUSL_INC)/sodium: | $(MUSL_INC)
	ln -sfn /usr/include/sodium $@
	ln -sfn /usr/include/sodium.h $(MUSL_INC)/sodium.h

$(MUSL_INC)/bearssl.h: | $(MUSL_INC)
	ln -sfn /usr/include/bearssl $(MUSL_INC)/bearssl
	ln -sfn /usr/include/bearssl.h $@
$(B)/musl/%.o: %.c $(HDRS) | $(MUSL_INC) $(MUSL_INC)/bearssl.h $(MUSL_INC)/sodium
	@mkdir -p $(dir $@)
	@echo '  CC-MUSL $<'
	@$(MUSL_CC) $(CSTD) -isystem $(MUSL_INC) $(WARN) -Os $(VERSION_H) -c $< -o $@

$(B)/host/tool/main.o $(B)/san/tool/main.o $(B)/musl/tool/main.o: $(B)/version.h
$(B)/version.h: FORCE
	@mkdir -p $(B)
	@printf '#define NETBOOT_VERSION "%s"\n#define NETBOOT_COMMIT "%s"\n' '$(VERSION)' '$(GIT_COMMIT)' > $@.tmp && $(update_if_changed)

$(B)/init: $(patsubst %.c,$(B)/musl/%.o,$(INIT_SRCS) $(LIB_SRCS))
	@$(MUSL_CC) -static -s -o $@ $^ $(SODIUM_A) $(TLS_LIBS)
	@echo "build/init: $$(stat -c %s $@) bytes, static"
$(B)/netboot: $(patsubst %.c,$(B)/host/%.o,$(TOOL_SRCS) $(HOST_SRCS))
	$(CC) -o $@ $^ $(NFS_LIBS) $(SODIUM_LIBS) $(TLS_LIBS)
# the tool linked like /init (static musl): what the benchmarks measure
$(B)/netboot-static: $(patsubst %.c,$(B)/musl/%.o,$(TOOL_SRCS) $(HOST_SRCS) init/sodium_shim.c)
	$(MUSL_CC) -static -s -o $@ $^ $(SODIUM_A) $(TLS_LIBS)
$(B)/netboot-san: $(patsubst %.c,$(B)/san/%.o,$(TOOL_SRCS) $(HOST_SRCS))
	$(CC) $(SAN) -o $@ $^ $(NFS_LIBS) $(SODIUM_LIBS) $(TLS_LIBS)
$(B)/mkcpio: scripts/mkcpio.c scripts/cpiolist.c scripts/cpiolist.h
	@mkdir -p $(B)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) -o $@ scripts/mkcpio.c scripts/cpiolist.c
$(B)/tests/%: tests/unit/%.c $(patsubst %.c,$(B)/san/%.o,$(HOST_SRCS)) tests/unit/check.h
	@mkdir -p $(dir $@)
	@echo '  TEST    $@'
	@$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) -o $@ $< $(patsubst %.c,$(B)/san/%.o,$(HOST_SRCS)) $(SODIUM_LIBS) $(TLS_LIBS)
# tests of init/ modules include the .c (init/ is linked only into /init)
$(B)/tests/timeline_test: init/timeline.c
$(B)/tests/firmware_test: init/modules.c init/modules.h
# libFuzzer: the library compiled once with coverage, each *_fuzz.c linked against it
FUZZ_FLAGS := -g -O1 -fsanitize=address,undefined
$(B)/fuzzobj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo '  CC-FUZZ $<'
	@$(CLANG) $(CSTD) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(B)/fuzz/%: $$(wildcard $$(addsuffix /$$*.c,$(FUZZ_DIRS))) $(patsubst %.c,$(B)/fuzzobj/%.o,$(FUZZ_SRCS))
	@mkdir -p $(dir $@)
	@echo '  FUZZER  $@'
	@$(CLANG) $(CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $(wildcard $(addsuffix /$*.c,$(FUZZ_DIRS))) $(patsubst %.c,$(B)/fuzzobj/%.o,$(FUZZ_SRCS)) $(SODIUM_LIBS) $(TLS_LIBS)

$(B)/integration/%: tests/integration/%.c $(patsubst %.c,$(B)/host/%.o,$(HOST_SRCS))
	@mkdir -p $(dir $@)
	@echo '  TOOL    $@'
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) -o $@ $^ $(SODIUM_LIBS) $(TLS_LIBS)

# init/ files with no /init state that the host test tools link too:
# netup_run drives the network stage's policy (init/netup.c) as /init does
INIT_HOST_SRCS := init/netup.c init/netup6.c
$(TEST_TOOLS): $(patsubst %.c,$(B)/host/%.o,$(INIT_HOST_SRCS))

fuzzers: $(FUZZERS)
# every harness (or those matching FUZZ_ONLY), one at a time, for FUZZ_SECONDS
# (default 60) or, with FUZZ_RUNS=N, for N executions each (the 10 M campaign)
fuzz: $(FUZZERS)
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) FUZZ_RUNS=$(FUZZ_RUNS) TESTS='build/fuzz/.*$(FUZZ_ONLY)' tests/run.sh
fuzz-run: fuzz
unit: $(TESTS)

# --- kernel, initramfs, test root ---
kernel: $(KERNEL_DIR)/vmlinuz
$(KERNEL_DIR)/vmlinuz:
	scripts/get-kernel.sh $(KERNEL_DIR)
# The modules (and firmware) packed, chosen by
#   KERNEL=    the user's kernel: a Debian .deb, a /lib/modules/<version> tree, a
#              folder holding lib/modules/<version>, or a kernel build folder
#              (scripts/kernel-stage.sh); default the Debian kernel in build/kernel
#   NICS=      NIC drivers: default the list in scripts/modules-list.sh, `all`, or names
#   FIRMWARE=  a folder (e.g. /lib/firmware): the firmware files the modules name
#   MODULES=   more modules by name
# INITRAMFS= the output file; its intermediates go beside it (build/ by default).
# The settings are kept in modules.cfg, rewritten only when they change.
INITRAMFS ?= $(B)/initram.igz
IDIR     := $(patsubst %/,%,$(dir $(INITRAMFS)))
MODKDIR  := $(if $(KERNEL),$(IDIR)/kernel-staged,$(KERNEL_DIR))
# COMPRESS=xz|zstd|gzip|lz4: what the kernel unpacks fastest for its size
# (docs/benchmarks.md "Initramfs size and drivers")
COMPRESS ?= zstd
COMPRESS_gzip := gzip -9n
COMPRESS_xz   := xz --check=crc32 -9 -T1
COMPRESS_zstd := zstd -19 -T1 -q
COMPRESS_lz4  := lz4 -l -9 -q
update_if_changed = { cmp -s $@.tmp $@ || mv $@.tmp $@; }; rm -f $@.tmp
$(IDIR)/modules.cfg: FORCE
	@mkdir -p $(IDIR)
	@{ echo 'KERNEL=$(if $(KERNEL),$(abspath $(KERNEL)) '"$$(stat -Lc '%Y %s' '$(KERNEL)')"')'; echo 'NICS=$(NICS)'; \
	   echo 'FIRMWARE=$(if $(FIRMWARE),$(abspath $(FIRMWARE)) '"$$(stat -Lc %Y '$(FIRMWARE)')"')'; echo 'MODULES=$(MODULES)'; } > $@.tmp && $(update_if_changed)
$(IDIR)/compress.cfg: FORCE
	@mkdir -p $(IDIR)
	@$(if $(COMPRESS_$(COMPRESS)),,echo "COMPRESS=$(COMPRESS): expected xz, zstd, gzip or lz4"; exit 1;) echo '$(COMPRESS_$(COMPRESS))' > $@.tmp && $(update_if_changed)
$(IDIR)/modules.list: $(IDIR)/modules.cfg scripts/modules-list.sh scripts/kernel-stage.sh $(if $(KERNEL),,$(KERNEL_DIR)/vmlinuz)
	$(if $(KERNEL),scripts/kernel-stage.sh '$(KERNEL)' $(MODKDIR))
	NICS='$(NICS)' FIRMWARE='$(FIRMWARE)' MODULES='$(MODULES)' scripts/modules-list.sh $(MODKDIR) $(IDIR)/initramfs-modules > $@.tmp && mv $@.tmp $@
# binary keymaps for setkmap= (kbd's loadkeys -b over console-data's maps)
$(B)/kmaps.list: scripts/make-kmaps.sh scripts/keymaps.list
	scripts/make-kmaps.sh $(B)/kmaps > $@.tmp && mv $@.tmp $@
initramfs: $(INITRAMFS)
# the CA file is copied only when it differs, so a new CA= rebuilds the image
$(B)/ca.pem: FORCE
	@mkdir -p $(B)
	@grep -q 'BEGIN CERTIFICATE' $(CA) || { echo "CA=$(CA): expected a PEM file of CA certificates"; exit 1; }
	@cmp -s $(CA) $@ || { cp $(CA) $@.tmp && mv $@.tmp $@ && echo "  CA      $(CA) -> $@"; }
# PUBKEY="a.pub b.pub": minisign keys built in (/etc/netboot/keys); then only
# signed images boot.  keys.list is rewritten only when the list changes.
FORCE:
$(B)/keys.list: FORCE scripts/keys-list.sh
	@mkdir -p $(B)
	@scripts/keys-list.sh $(PUBKEY) > $@.tmp && { cmp -s $@.tmp $@ || mv $@.tmp $@; } && rm -f $@.tmp
$(INITRAMFS): $(B)/init $(B)/mkcpio initramfs-list $(IDIR)/modules.list $(IDIR)/compress.cfg $(B)/kmaps.list $(B)/keys.list $(PUBKEY) $(B)/ca.pem
	BUILD=$(abspath $(B)) $(B)/mkcpio initramfs-list $(IDIR)/modules.list $(B)/kmaps.list $(B)/keys.list | $(COMPRESS_$(COMPRESS)) > $@.tmp && mv $@.tmp $@
	@echo "$@: $$(stat -c %s $@) bytes ($(COMPRESS), kernel $$(cat $(MODKDIR)/version), $$(grep -c '^file .*\.ko ' $(IDIR)/modules.list) modules)"
testroot: $(B)/testroot.sqfs
$(B)/testroot.sqfs: tests/qemu/make-testroot.sh tests/qemu/kmapdump.c
	tests/qemu/make-testroot.sh $@

# --- install and the Debian package (packaging/, docs/server.md "Install") ---
# make install [PREFIX=/usr/local] [DESTDIR=]: the tool, the kernel and the
# initramfs it boots, the service, its example settings (kept when present),
# its user (sysusers.d) and the man page.  Debian's units stay in /lib.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib,$(PREFIX)/lib)/systemd/system
SYSUSERSDIR?= $(PREFIX)/lib/sysusers.d
# the man page's date: the last commit's, as BUILD_EPOCH
MAN_DATE   := $(shell git log -1 --format=%cs 2>/dev/null || date -u +%F)
install: $(B)/netboot $(INITRAMFS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/netboot $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/netboot
	install -m 0755 $(B)/netboot $(DESTDIR)$(SBINDIR)/netboot
	install -m 0644 $(INITRAMFS) $(DESTDIR)$(DATADIR)/netboot/initram.igz
	@if [ -e $(MODKDIR)/vmlinuz ]; then echo "install -m 0644 $(MODKDIR)/vmlinuz $(DESTDIR)$(DATADIR)/netboot/vmlinuz"; \
		install -m 0644 $(MODKDIR)/vmlinuz $(DESTDIR)$(DATADIR)/netboot/vmlinuz; \
	else echo "install: no kernel image in $(MODKDIR) (KERNEL=$(KERNEL)): boot the initramfs with your own"; fi
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' packaging/netboot-serve.service.in > $(DESTDIR)$(UNITDIR)/netboot-serve.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/netboot-serve.service
	install -m 0644 packaging/netboot.sysusers $(DESTDIR)$(SYSUSERSDIR)/netboot.conf
	sed 's|@VERSION@|$(VERSION)|g; s|@DATE@|$(MAN_DATE)|g' packaging/netboot.8 > $(DESTDIR)$(MANDIR)/man8/netboot.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/netboot.8
	@[ -e $(DESTDIR)$(SYSCONFDIR)/netboot/serve.conf ] && echo "install: $(DESTDIR)$(SYSCONFDIR)/netboot/serve.conf kept" || \
		install -v -m 0644 packaging/serve.conf $(DESTDIR)$(SYSCONFDIR)/netboot/serve.conf
# make deb [DEB_DIR=build]: DEB_DIR/netboot_<VERSION>-1_<arch>.deb (packaging/mkdeb.sh)
DEB_DIR    ?= $(B)
deb: $(B)/netboot $(INITRAMFS)
	packaging/mkdeb.sh $(B) $(VERSION) $(DEB_DIR)

deps:
	scripts/install-deps.sh
check: deps
	$(MAKE) all unit fuzzers $(TEST_TOOLS) $(B)/netboot-san $(B)/netboot-static initramfs testroot
	tests/run.sh
bench: deps
	$(MAKE) all $(TEST_TOOLS) $(B)/netboot-static
	bench/run.sh
demo: deps
	$(MAKE) all initramfs testroot
	tests/qemu/demo.sh
clean:
	rm -rf $(B)/host $(B)/san $(B)/musl $(B)/fuzzobj $(B)/tests $(B)/fuzz $(B)/init $(B)/netboot $(B)/initram.igz \
		$(B)/version.h $(B)/deb $(B)/netboot_*.deb
