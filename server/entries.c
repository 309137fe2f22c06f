/* The boot menu's entries: see entries.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "netboot/ipv4.h"
#include "server/entries.h"

const struct boot_image *boot_images_find(const struct boot_images *imgs, const char *name)
{
	for (int i = 0; i < imgs->n; i++)
		if (!strcmp(imgs->img[i].name, name))
			return &imgs->img[i];
	return NULL;
}

/* Each comma-separated URL's folder + img's path: the mirrors and the
 * --http-url of the top-level image hold the other images in images/NAME/
 * beside it, as the boot folder does. */
static int rebase_urls(const char *urls, const struct boot_image *img, char *buf, size_t cap)
{
	size_t len = 0;
	while (*urls) {
		size_t n = strcspn(urls, ","), keep = n;
		while (keep > 7 && urls[keep - 1] != '/')	/* the folder, after "http://" */
			keep--;
		int w = keep > 7 ? snprintf(buf + len, cap - len, "%s%.*s%s%s", len ? "," : "", (int)keep, urls,
					    img->dir, img->image)
				 : snprintf(buf + len, cap - len, "%s%.*s/%s%s", len ? "," : "", (int)n, urls,
					    img->dir, img->image);	/* "http://host": its root */
		if (w < 0 || (size_t)w >= cap - len)
			return -ENOSPC;
		len += (size_t)w;
		urls += n + (urls[n] == ',');
	}
	return (int)len;
}

int boot_entry_stage3_arg(const struct serve_config *cfg, const struct boot_image *img, enum stage3_kind k,
			  const struct mirror_map *m, const char *self, char *buf, size_t cap)
{
	char own[SERVE_HOST_MAX], port[8] = "", urls[1024];
	const char *ip = self ? self : serve_url_host(cfg, NULL, own);
	const char *given = k == STAGE3_HTTP && m ? m->urls : k == STAGE3_HTTP ? cfg->http_url : "";
	int n;
	if (!img->name[0] && k == STAGE3_HTTP && m)	/* the top level: the URLs as given */
		n = snprintf(buf, cap, "netboot=%s", m->urls);
	else if (!img->name[0])
		return serve_config_stage3_arg(cfg, k, ip, buf, cap);
	else if (k == STAGE3_NFS)	/* a folder: the image's folder inside it */
		n = snprintf(buf, cap, "netboot=%.*s/%.*s", (int)(strlen(cfg->nfs_url) - (cfg->nfs_url[0] &&
			     cfg->nfs_url[strlen(cfg->nfs_url) - 1] == '/')), cfg->nfs_url,
			     (int)strlen(img->dir) - 1, img->dir);
	else if (given[0]) {
		if (rebase_urls(given, img, urls, sizeof(urls)) < 0)
			return -ENOSPC;
		n = snprintf(buf, cap, "netboot=%s", urls);
	} else {
		uint16_t p = k == STAGE3_HTTP ? cfg->http_port : cfg->tftp_port;
		if (k != STAGE3_NBD && p != (k == STAGE3_HTTP ? 80 : 69))
			snprintf(port, sizeof(port), ":%u", p);
		if (k == STAGE3_NBD)
			n = snprintf(buf, cap, "netboot=nbd://%s:%u/%s", ip, cfg->nbd_port, img->name);
		else
			n = snprintf(buf, cap, "netboot=%s://%s%s/%s%s", k == STAGE3_HTTP ? "http" : "tftp", ip, port,
				     img->dir, img->image);
	}
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

static bool offered(const struct serve_config *cfg, enum stage3_kind k, enum stage3_kind dflt,
		    const struct mirror_map *m)
{
	switch (k) {
	case STAGE3_HTTP: return k == dflt || cfg->do_http || cfg->http_url[0] || m;
	case STAGE3_TFTP: return k == dflt || cfg->do_tftp;
	case STAGE3_NBD: return k == dflt || cfg->do_nbd;
	case STAGE3_NFS: return cfg->nfs_url[0] != '\0';
	}
	return false;
}

/* img's entries, its default transport first, appended at out[*n]. */
static int image_entries(const struct serve_config *cfg, const struct boot_image *img, const struct host *h,
			 const struct mirror_map *m, const char *self, struct boot_entry *out, int cap, int *n)
{
	static const char *const suffix[] = { "http", "tftp", "nbd", "nfs" };
	enum stage3_kind dflt = m ? STAGE3_HTTP : cfg->stage3;
	for (int pass = 0; pass < 2; pass++)
		for (int k = STAGE3_HTTP; k <= STAGE3_NFS; k++) {
			if ((pass == 0) != (k == (int)dflt) || !offered(cfg, (enum stage3_kind)k, dflt, m))
				continue;
			if (*n == cap)
				return -ENOSPC;
			struct boot_entry *e = &out[(*n)++];
			char arg[1100];
			if (boot_entry_stage3_arg(cfg, img, (enum stage3_kind)k, m, self, arg, sizeof(arg)) < 0)
				return -ENOSPC;
			e->image = img;
			e->via = (enum stage3_kind)k;
			snprintf(e->label, sizeof(e->label), "%s-%s", img->name[0] ? img->name : "netboot", suffix[k]);
			snprintf(e->title, sizeof(e->title), "%s: stage 3 over %s", img->name[0] ? img->name : "netboot",
				 suffix[k]);
			snprintf(e->kernel, sizeof(e->kernel), "%s%s", img->dir, img->kernel);
			snprintf(e->initrd, sizeof(e->initrd), "%s%s", img->dir, img->initrd);
			const char *args = h ? h->args : "";
			int w = snprintf(e->append, sizeof(e->append), "%s%s%s%s%s", arg, cfg->extra[0] ? " " : "",
					 cfg->extra, args[0] ? " " : "", args);
			if (w < 0 || (size_t)w >= sizeof(e->append))
				return -ENOSPC;
		}
	return 0;
}

int boot_entries(const struct serve_config *cfg, const struct boot_images *imgs, const struct host *h,
		 const struct mirror_map *m, const char *self, struct boot_entry *out, int cap)
{
	const struct boot_image *first = imgs->n ? &imgs->img[0] : NULL;
	int n = 0, rc;
	if (h && h->image[0] && !(first = boot_images_find(imgs, h->image)))
		return -ENOENT;
	if (first && (rc = image_entries(cfg, first, h, m, self, out, cap, &n)) < 0)
		return rc;
	for (int i = 0; i < imgs->n; i++)
		if (&imgs->img[i] != first && (rc = image_entries(cfg, &imgs->img[i], h, m, self, out, cap, &n)) < 0)
			return rc;
	return n;
}
