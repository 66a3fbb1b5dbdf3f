// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The persisted VIF definitions and their re-application (vif_store.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "log.h"
#include "util.h"
#include "vif_store.h"

#define REC_SUFFIX ".vif"

static int rec_path(const struct na_vif_store *s, const char *ifname, const char *suffix, char *out,
		    size_t len)
{
	if (snprintf(out, len, "%s/%s%s", s->dir, ifname, suffix) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* the host-side interface's MAC; 0 or -errno */
static int host_mac(const char *ifname, __u8 mac[6])
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr) ? -errno : 0;
	close(fd);
	if (!rc)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return rc;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = fsync(fd) ? -errno : 0;
	close(fd);
	return rc;
}

static int write_rec(const struct na_vif_store *s, const struct na_vif_rec *rec)
{
	char text[NA_VIF_REC_MAX], tmp[PATH_MAX], path[PATH_MAX];
	int n = na_vif_rec_format(rec, text, sizeof(text)), fd, rc = 0;

	if (n < 0)
		return n;
	if (rec_path(s, rec->ifname, REC_SUFFIX ".tmp", tmp, sizeof(tmp)) ||
	    rec_path(s, rec->ifname, REC_SUFFIX, path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)n) != n || fsync(fd))
		rc = errno ? -errno : -EIO;
	close(fd);
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc ? rc : fsync_dir(s->dir);
}

static struct na_vif_entry *find(const struct na_vif_store *s, const char *ifname)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].rec.ifname, ifname))
			return &s->e[i];
	return NULL;
}

static struct na_vif_entry *append(struct na_vif_store *s)
{
	if (s->n == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 16;
		struct na_vif_entry *e = realloc(s->e, cap * sizeof(*e));

		if (!e)
			return NULL;
		s->e = e;
		s->cap = cap;
	}
	memset(&s->e[s->n], 0, sizeof(s->e[0]));
	return &s->e[s->n++];
}

/* one record file; refused ones are logged and counted, never fatal */
static void load_one(struct na_vif_store *s, const char *name)
{
	char path[PATH_MAX], err[200], *buf = NULL;
	size_t len = strlen(name), blen;
	struct na_vif_entry *e;
	struct na_vif_rec rec;
	struct stat st;
	int rc;

	if (len <= strlen(REC_SUFFIX) || strcmp(name + len - strlen(REC_SUFFIX), REC_SUFFIX)) {
		if (len > 4 && !strcmp(name + len - 4, ".tmp")) {
			/* a write the previous agent did not finish: the old record stands */
			snprintf(path, sizeof(path), "%s/%s", s->dir, name);
			unlink(path);
		}
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	if (lstat(path, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		log_err("VIF record %s: not a regular file owned by us; not restored", path);
		s->st.corrupt++;
		return;
	}
	rc = nl_read_file(path, NA_VIF_REC_MAX, &buf, &blen);
	if (rc) {
		log_err("VIF record %s: %s; not restored", path,
			rc == -EFBIG ? "larger than a record can be" : strerror(-rc));
		s->st.corrupt++;
		return;
	}
	rc = strlen(buf) != blen ? nl_errf(err, sizeof(err), -EINVAL, "NUL byte in the file")
				 : na_vif_rec_parse(buf, &rec, err, sizeof(err));
	free(buf);
	if (!rc && (strlen(rec.ifname) != len - strlen(REC_SUFFIX) ||
		    strncmp(rec.ifname, name, len - strlen(REC_SUFFIX))))
		rc = nl_errf(err, sizeof(err), -EINVAL, "ifname=%s does not match the file name",
			     rec.ifname);
	if (rc) {
		log_err("VIF record %s refused: %s; that VIF is not restored (fix or remove the "
			"file, or `na-loader vif add` it again)",
			path, err);
		s->st.corrupt++;
		return;
	}
	e = find(s, rec.ifname);
	if (!e)
		e = append(s);
	if (!e) {
		log_err("VIF record %s: out of memory", path);
		return;
	}
	e->rec = rec;
}

int na_vif_store_open(struct na_vif_store *s, const char *state_dir, const char *uplink)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc;

	memset(s, 0, sizeof(*s));
	if (snprintf(s->dir, sizeof(s->dir), "%s/%s.vifs", state_dir, uplink) >=
	    (int)sizeof(s->dir))
		return -ENAMETOOLONG;
	rc = nl_mkdir_p(s->dir, 0700);
	if (rc)
		return rc;
	if (lstat(s->dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		log_err("%s is not a directory owned by us: VIFs are not persisted", s->dir);
		return -EPERM;
	}
	if ((st.st_mode & 0077) && chmod(s->dir, 0700))
		return -errno;
	d = opendir(s->dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			load_one(s, de->d_name);
	closedir(d);
	s->enabled = true;
	if (s->n)
		log_info("%u persisted VIF definition(s) in %s", s->n, s->dir);
	return 0;
}

void na_vif_store_close(struct na_vif_store *s)
{
	free(s->e);
	s->e = NULL;
	s->n = s->cap = 0;
}

const struct na_vif_rec *na_vif_store_find(const struct na_vif_store *s, const char *ifname)
{
	const struct na_vif_entry *e = find(s, ifname);

	return e ? &e->rec : NULL;
}

int na_vif_store_put(struct na_vif_store *s, const struct na_vif_rec *rec)
{
	struct na_vif_entry *e = find(s, rec->ifname);
	struct na_vif_rec r = *rec;
	int rc;

	if (!s->enabled)
		return -ENOTDIR;
	if (host_mac(r.ifname, r.host_mac))
		memset(r.host_mac, 0, 6);
	if (e && na_vif_rec_same(&e->rec, &r) && !memcmp(e->rec.host_mac, r.host_mac, 6)) {
		e->state = NA_VREC_APPLIED;
		return 0;
	}
	rc = write_rec(s, &r);
	if (rc) {
		s->st.write_errors++;
		return rc;
	}
	if (!e)
		e = append(s);
	if (!e)
		return -ENOMEM;
	e->rec = r;
	e->state = NA_VREC_APPLIED;
	e->err[0] = 0;
	return 0;
}

int na_vif_store_del(struct na_vif_store *s, const char *ifname)
{
	struct na_vif_entry *e = find(s, ifname);
	char path[PATH_MAX];
	int rc;

	if (!e)
		return -ENOENT;
	rc = rec_path(s, ifname, REC_SUFFIX, path, sizeof(path));
	if (!rc && unlink(path) && errno != ENOENT)
		rc = -errno;
	if (!rc)
		rc = fsync_dir(s->dir);
	if (rc) {
		s->st.write_errors++;
		return rc;
	}
	*e = s->e[--s->n];
	return 0;
}

static const char *state_name(enum na_vif_rec_state st)
{
	switch (st) {
	case NA_VREC_APPLIED:
		return "applied";
	case NA_VREC_MISSING:
		return "interface missing";
	case NA_VREC_MAC_CHANGED:
		return "interface MAC changed";
	case NA_VREC_FAILED:
		return "refused";
	default:
		return "new";
	}
}

static void set_state(struct na_vif_store *s, struct na_vif_entry *e, enum na_vif_rec_state st,
		      const char *err)
{
	bool changed = e->state != st || (err && strcmp(e->err, err));

	snprintf(e->err, sizeof(e->err), "%s", err ? err : "");
	if (!changed) {
		e->state = st;
		return;
	}
	switch (st) {
	case NA_VREC_APPLIED:
		s->st.restored++;
		log_info("VIF %s restored from its persisted definition", e->rec.ifname);
		break;
	case NA_VREC_MISSING:
		s->st.missing++;
		log_warn("persisted VIF %s: the interface does not exist; kept pending, applied "
			 "when it appears (`na-loader vif del %s` forgets it)",
			 e->rec.ifname, e->rec.ifname);
		break;
	case NA_VREC_MAC_CHANGED:
		s->st.missing++;
		log_warn("persisted VIF %s: the interface's MAC is not the recorded one (another "
			 "interface reusing the name?); kept pending, not applied (`na-loader "
			 "vif add` or `vif del` it)",
			 e->rec.ifname);
		break;
	case NA_VREC_FAILED:
		s->st.failed++;
		log_err("persisted VIF %s could not be restored: %s (retried every second)",
			e->rec.ifname, e->err);
		break;
	default:
		break;
	}
	e->state = st;
}

void na_vif_store_reconcile(struct na_vif_store *s, const struct na_maps *m, na_vif_apply_fn apply,
			    void *ctx)
{
	for (unsigned int i = 0; i < s->n; i++) {
		struct na_vif_entry *e = &s->e[i];
		__u32 idx = if_nametoindex(e->rec.ifname);
		static const __u8 none[6];
		struct nl_vif v;
		__u8 mac[6];
		char err[160];

		if (!idx) {
			set_state(s, e, NA_VREC_MISSING, NULL);
			continue;
		}
		if (!bpf_map_lookup_elem(m->vifs, &idx, &v)) {
			if (e->state != NA_VREC_APPLIED && e->state != NA_VREC_NEW)
				set_state(s, e, NA_VREC_APPLIED, NULL);
			else
				e->state = NA_VREC_APPLIED; /* re-adopted from the pins */
			continue;
		}
		if (memcmp(e->rec.host_mac, none, 6) &&
		    (host_mac(e->rec.ifname, mac) || memcmp(mac, e->rec.host_mac, 6))) {
			set_state(s, e, NA_VREC_MAC_CHANGED, NULL);
			continue;
		}
		if (apply(ctx, &e->rec, err, sizeof(err))) {
			set_state(s, e, NA_VREC_FAILED, err);
			continue;
		}
		/* apply went through vif add, which recorded it again: find it anew */
		e = find(s, e->rec.ifname);
		if (e) {
			e->state = NA_VREC_FAILED; /* force the "restored" log and count */
			set_state(s, e, NA_VREC_APPLIED, NULL);
		}
	}
}

void na_vif_store_show(FILE *f, const struct na_vif_store *s, bool json)
{
	unsigned int pending = 0;
	bool first = true;

	for (unsigned int i = 0; i < s->n; i++)
		pending += s->e[i].state != NA_VREC_APPLIED;
	if (json) {
		fprintf(f,
			",\"persisted_vifs\":{\"enabled\":%s,\"dir\":\"%s\",\"records\":%u,"
			"\"pending\":[",
			s->enabled ? "true" : "false", s->dir, s->n);
		for (unsigned int i = 0; i < s->n; i++) {
			if (s->e[i].state == NA_VREC_APPLIED)
				continue;
			fprintf(f, "%s{\"ifname\":\"%s\",\"reason\":\"%s\"}", first ? "" : ",",
				s->e[i].rec.ifname, state_name(s->e[i].state));
			first = false;
		}
		fprintf(f, "],\"refused_files\":%llu}", (unsigned long long)s->st.corrupt);
		return;
	}
	if (!s->enabled) {
		fprintf(f, "persisted VIFs:  off (%s not usable)\n", s->dir);
		return;
	}
	fprintf(f, "persisted VIFs:  %u in %s, %u pending%s\n", s->n, s->dir, pending,
		s->st.corrupt ? " (some record files refused: see the log)" : "");
	for (unsigned int i = 0; i < s->n; i++)
		if (s->e[i].state != NA_VREC_APPLIED)
			fprintf(f, "  pending VIF:   %s (%s%s%s)\n", s->e[i].rec.ifname,
				state_name(s->e[i].state), s->e[i].err[0] ? ": " : "", s->e[i].err);
}
