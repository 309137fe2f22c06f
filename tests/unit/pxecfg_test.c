/* pxelinux configs: the lookup chain for a client and the entry the loader
 * boots without a user (netboot/pxecfg.c). */
#include <errno.h>
#include <arpa/inet.h>
#include "netboot/pxecfg.h"
#include "check.h"

static int parse(const char *text, struct pxecfg_entry *en, struct errbuf *e)
{
	return pxecfg_parse(text, strlen(text), en, e);
}

static void chain(void)
{
	static const uint8_t mac[6] = { 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd };
	char n[PXECFG_CANDIDATES_MAX][PXECFG_NAME_MAX], dir[64];
	int c = pxecfg_candidates("", mac, inet_addr("192.0.2.91"), n, PXECFG_CANDIDATES_MAX);

	CHECK("chain: 10 names (mac, 8 hex, default)", c == 10);
	CHECK_STR("chain: mac first, dashes, lower case", n[0], "pxelinux.cfg/01-88-99-aa-bb-cc-dd");
	CHECK_STR("chain: full hex ip, upper case", n[1], "pxelinux.cfg/C000025B");
	CHECK_STR("chain: shortened by one digit", n[2], "pxelinux.cfg/C000025");
	CHECK_STR("chain: one digit", n[8], "pxelinux.cfg/C");
	CHECK_STR("chain: default last", n[9], "pxelinux.cfg/default");
	c = pxecfg_candidates("bios/", mac, 0, n, PXECFG_CANDIDATES_MAX);
	CHECK("chain: no address, no hex names", c == 2 && !strcmp(n[1], "bios/pxelinux.cfg/default"));
	CHECK_STR("chain: relative to the boot file's folder", n[0], "bios/pxelinux.cfg/01-88-99-aa-bb-cc-dd");
	CHECK("chain: max respected", pxecfg_candidates("", mac, 1, n, 3) == 3);
	pxecfg_dir_of("efi64/syslinux.efi", dir, sizeof(dir));
	CHECK_STR("dir of efi64/syslinux.efi", dir, "efi64/");
	pxecfg_dir_of("pxelinux.0", dir, sizeof(dir));
	CHECK_STR("dir of pxelinux.0", dir, "");
}

static void entries(void)
{
	struct pxecfg_entry en;
	struct errbuf e;

	CHECK("served menu: DEFAULT names a label", parse("SERIAL 0 115200\nDEFAULT b\nPROMPT 0\n"
		"LABEL a\n  KERNEL k1\n  APPEND x=1\nLABEL b\n  MENU LABEL netboot\n  KERNEL vmlinuz\n"
		"  INITRD initram.igz\n  APPEND netboot=http://192.0.2.1/sysrcd.dat\n  IPAPPEND 2\n", &en, &e) == 0);
	CHECK_STR("served menu: label", en.label, "b");
	CHECK_STR("served menu: kernel", en.kernel, "vmlinuz");
	CHECK_STR("served menu: initrd", en.initrd, "initram.igz");
	CHECK_STR("served menu: append", en.append, "netboot=http://192.0.2.1/sysrcd.dat");

	CHECK("keywords any case, CRLF, comments, initrd= in APPEND",
	      parse("# menu\r\ndefault rescue\r\nlabel rescue\r\n\tlinux boot/vmlinuz\r\n"
		    "\tappend initrd=boot/initram.igz,extra.img nofb ethx=192.0.2.9\r\n", &en, &e) == 0);
	CHECK_STR("CRLF: kernel via LINUX", en.kernel, "boot/vmlinuz");
	CHECK_STR("initrd= first name", en.initrd, "boot/initram.igz");
	CHECK_STR("append kept whole, CR dropped", en.append, "initrd=boot/initram.igz,extra.img nofb ethx=192.0.2.9");

	CHECK("menu module: MENU DEFAULT wins", parse("DEFAULT vesamenu.c32\nLABEL a\nKERNEL ka\n"
		"LABEL b\nMENU DEFAULT\nKERNEL kb\n", &en, &e) == 0 && !strcmp(en.kernel, "kb"));
	CHECK("menu module: ONTIMEOUT next", parse("DEFAULT menu.c32\nONTIMEOUT b\nLABEL a\nKERNEL ka\n"
		"LABEL b\nKERNEL kb\n", &en, &e) == 0 && !strcmp(en.label, "b"));
	CHECK("no DEFAULT: the first label", parse("LABEL a\nKERNEL ka\nLABEL b\nKERNEL kb\n", &en, &e) == 0 &&
	      !strcmp(en.label, "a"));
	CHECK("global APPEND for a label without one", parse("APPEND dodhcp\nDEFAULT a\nLABEL a\nKERNEL k\n",
		&en, &e) == 0 && !strcmp(en.append, "dodhcp"));
	CHECK("APPEND - means none", parse("APPEND dodhcp\nLABEL a\nKERNEL k\nAPPEND -\n", &en, &e) == 0 &&
	      en.append[0] == '\0');
	CHECK("DEFAULT naming no label: a command line", parse("DEFAULT vmlinuz initrd=i.gz nodhcp\n", &en, &e) == 0 &&
	      !strcmp(en.kernel, "vmlinuz") && !strcmp(en.append, "initrd=i.gz nodhcp") && !strcmp(en.initrd, "i.gz"));
	CHECK("label without kernel", parse("DEFAULT a\nLABEL a\nAPPEND x\n", &en, &e) == -EINVAL &&
	      strstr(e.msg, "LABEL a has no KERNEL"));
	CHECK("empty config", parse("# nothing\n\n", &en, &e) == -ENOENT && strstr(e.msg, "nothing to boot"));
	CHECK("MENU DEFAULT names a missing label? no: first", parse("DEFAULT menu.c32\nLABEL z\nKERNEL kz\n", &en, &e) == 0 &&
	      !strcmp(en.kernel, "kz"));
	CHECK("initrd=x inside a word is not initrd", parse("LABEL a\nKERNEL k\nAPPEND noinitrd=1\n", &en, &e) == 0 &&
	      en.initrd[0] == '\0');
	char big[3000];
	memset(big, 'x', sizeof(big));
	memcpy(big, "LABEL a\nKERNEL k\nAPPEND ", 24);
	big[sizeof(big) - 1] = '\0';
	CHECK("over-long APPEND refused, named", parse(big, &en, &e) == -EINVAL && strstr(e.msg, "APPEND"));
	CHECK("no trailing newline", parse("LABEL a\nKERNEL k", &en, &e) == 0 && !strcmp(en.kernel, "k"));
}

int main(void)
{
	chain();
	entries();
	return CHECK_DONE();
}
