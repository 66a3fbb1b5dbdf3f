// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of the operations code that needs no kernel: the
 * Prometheus exposition writer (user/lib/prom.c: names, escaping, the
 * format's lines) and the agent's configuration file (user/agent/config.c:
 * keys, values, sections, the line and key of an error, flags over file).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "config.h"
#include "log.h"
#include "netlord.h"
#include "prom.h"
#include "repo_metrics.h"

/* what a writer call put out */
static char *capture_buf;
static size_t capture_len;

static FILE *capture(void)
{
	free(capture_buf);
	capture_buf = NULL;
	return open_memstream(&capture_buf, &capture_len);
}

static const char *done(FILE *f)
{
	fclose(f);
	return capture_buf;
}

Test(prom, names)
{
	cr_assert(prom_valid_metric_name("netlord_datapath_drops_total"));
	cr_assert(prom_valid_metric_name("a:b_c"));
	cr_assert_not(prom_valid_metric_name("1abc"));
	cr_assert_not(prom_valid_metric_name("a-b"));
	cr_assert_not(prom_valid_metric_name(""));
	cr_assert(prom_valid_label_name("tenant"));
	cr_assert_not(prom_valid_label_name("a:b"), "colon in a label name");
	cr_assert_not(prom_valid_label_name("__name__"), "reserved label name");
}

Test(prom, family_and_sample)
{
	FILE *f = capture();

	cr_assert_eq(prom_family(f, "x_total", "counter", "Frames.\nBack\\slash"), 0);
	cr_assert_eq(prom_u64(f, "x_total", 18446744073709551615ULL, "reason", "a", NULL), 0);
	cr_assert_eq(prom_u64(f, "x_total", 0, NULL), 0);
	cr_assert_str_eq(done(f), "# HELP x_total Frames.\\nBack\\\\slash\n"
				  "# TYPE x_total counter\n"
				  "x_total{reason=\"a\"} 18446744073709551615\n"
				  "x_total 0\n");
}

Test(prom, label_escaping)
{
	FILE *f = capture();
	char out[8];

	prom_u64(f, "m", 1, "vif", "a\"b\\c\nd", "t", "", NULL);
	cr_assert_str_eq(done(f), "m{vif=\"a\\\"b\\\\c\\nd\",t=\"\"} 1\n");
	cr_assert(prom_escape_label("abc", out, sizeof(out)));
	cr_assert_not(prom_escape_label("abcdefgh", out, sizeof(out)), "overflow accepted");
	cr_assert_not(prom_escape_label("abc\"\"\"", out, sizeof(out)), "overflow accepted");
}

Test(prom, bad_names_write_nothing)
{
	FILE *f = capture();

	cr_assert_eq(prom_u64(f, "bad-name", 1, NULL), -EINVAL);
	cr_assert_eq(prom_u64(f, "ok", 1, "bad-label", "v", NULL), -EINVAL);
	cr_assert_eq(prom_u64(f, "ok", 1, "l", NULL, NULL), -EINVAL);
	cr_assert_eq(prom_family(f, "ok", "histogramm", "h"), -EINVAL);
	cr_assert_str_eq(done(f), "");
}

Test(prom, doubles)
{
	FILE *f = capture();

	prom_double(f, "a", 1.5, NULL);
	prom_double(f, "b", NAN, NULL);
	prom_double(f, "c", -INFINITY, NULL);
	prom_double(f, "d", 1795951185.356, NULL);
	cr_assert_str_eq(done(f), "a 1.5\nb NaN\nc -Inf\nd 1795951185.356\n");
}

/* ---- the configuration file ------------------------------------------------------------------ */

static char path[64];

static const char *conf(const char *text)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_ops.XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(config, good_file_with_sections)
{
	struct na_settings s;
	char err[512] = "";
	const char *p = conf("# comment\n; another\nrepo = http://repo:8080\n"
			     "encap = udp\nlog_level = warn\n\n[eth1]\nencap = ip\n"
			     "metrics = [::1]:9100\n[eth2]\nrefresh_interval = 5\n");

	cr_assert_eq(na_config_parse(p, "eth1", &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(s.repo, "http://repo:8080");
	cr_assert_eq(s.encap_mode, NL_ENCAP_IP, "the section wins over the top");
	cr_assert_eq(s.log_level, NL_LOG_WARN);
	cr_assert_str_eq(s.metrics, "[::1]:9100");
	cr_assert_not(s.set & NA_SET_REFRESH, "another uplink's section applied");
	cr_assert_eq(na_config_parse(p, "eth2", &s, err, sizeof(err)), 0);
	cr_assert_eq(s.encap_mode, NL_ENCAP_UDP);
	cr_assert_eq(s.refresh, 5);
	unlink(p);
}

Test(config, bad_value_names_line_and_key)
{
	struct na_settings s;
	char err[512] = "";
	const char *p = conf("repo = x\n\nencap = vxlan\nlog_level = loud\n");

	cr_assert_eq(na_config_parse(p, "eth0", &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":3: key 'encap': 'vxlan' is not ip, udp or gre"), "%s", err);
	unlink(p);
}

Test(config, unknown_key_in_another_section)
{
	struct na_settings s;
	char err[512] = "";
	const char *p = conf("[eth7]\nrefresh_interval = 10\nrepository = x\n");

	/* checked even when the section is not ours: a typo must not hide */
	cr_assert_eq(na_config_parse(p, "eth0", &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":3: [eth7] unknown key 'repository'"), "%s", err);
	unlink(p);
}

Test(config, syntax_error_line)
{
	struct na_settings s;
	char err[512] = "";
	const char *p = conf("log_level = info\nthis is not a setting\nencap = udp\n");

	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":2: not a `key = value` line"), "%s", err);
	unlink(p);
}

Test(config, syntax_error_before_bad_key)
{
	struct na_settings s;
	char err[512] = "";
	const char *p = conf("junk\nencap = gre\n");

	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":1: not a `key = value` line"), "%s", err);
	unlink(p);
}

Test(config, ranges_and_missing_file)
{
	struct na_settings s;
	char err[512] = "";
	const char *p = conf("refresh_interval = 0\n");

	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":1: key 'refresh_interval'"), "%s", err);
	unlink(p);
	p = conf("metrics = 9100\n");
	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":1: key 'metrics'"), "%s", err);
	unlink(p);
	{
		static const char *const good[] = {"127.0.0.1:9100", "[::1]:9100", ":9100", "*:0",
						   "0.0.0.0:65535",  "off",	   ""};
		static const char *const bad[] = {"localhost:9100",	"127.0.0.1:65536",
						  "[::1:9100",		"1.2.3.4:91x",
						  "127.0.0.1:9100 # x", "[]:1"};
		struct na_settings t = {0};

		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
			cr_assert_eq(na_setting_set(&t, "metrics", good[i], err, sizeof(err)), 0,
				     "%s: %s", good[i], err);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			cr_assert_eq(na_setting_set(&t, "metrics", bad[i], err, sizeof(err)),
				     -EINVAL, "%s accepted", bad[i]);
	}
	cr_assert_eq(na_config_parse("/nonexistent/na.conf", NULL, &s, err, sizeof(err)), -ENOENT);
}

Test(config, flags_win_over_file)
{
	struct na_settings eff, file = {0}, flags = {0};
	char err[256];

	na_settings_defaults(&eff);
	cr_assert_eq(eff.refresh, NA_REFRESH_DEFAULT);
	cr_assert_eq(na_setting_set(&file, "repo", "http://a", err, sizeof(err)), 0);
	cr_assert_eq(na_setting_set(&file, "log_level", "debug", err, sizeof(err)), 0);
	cr_assert_eq(na_setting_set(&flags, "repo", "http://b", err, sizeof(err)), 0);
	na_settings_merge(&eff, &file);
	na_settings_merge(&eff, &flags);
	cr_assert_str_eq(eff.repo, "http://b");
	cr_assert_eq(eff.log_level, NL_LOG_DEBUG);
	cr_assert_eq(eff.refresh, NA_REFRESH_DEFAULT);
	cr_assert_eq(na_setting_set(&flags, "metrics", "off", err, sizeof(err)), 0);
	cr_assert_str_eq(flags.metrics, "");
}

Test(config, resolve_file_then_flags)
{
	struct na_settings flags = {0};
	struct na_ops_opts o;
	char err[512] = "";
	const char *p = conf("repo = http://file\nmetrics = 127.0.0.1:1\n[eth3]\nencap = udp\n");

	cr_assert_eq(na_setting_set(&flags, "metrics", "127.0.0.1:2", err, sizeof(err)), 0);
	cr_assert_eq(na_settings_resolve(p, "eth3", &flags, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(o.config, p);
	cr_assert_str_eq(o.eff.repo, "http://file");
	cr_assert_str_eq(o.eff.metrics, "127.0.0.1:2", "the flag did not win");
	cr_assert_eq(o.eff.encap_mode, NL_ENCAP_UDP);
	cr_assert(o.eff.set & NA_SET_ENCAP);
	cr_assert_eq(o.eff.refresh, NA_REFRESH_DEFAULT);
	cr_assert_str_eq(o.flags.metrics, "127.0.0.1:2", "flags kept for SIGHUP");
	unlink(p);
	/* an explicit file must exist; a bad one is refused */
	cr_assert_eq(
		na_settings_resolve("/nonexistent/x.conf", "eth3", &flags, &o, err, sizeof(err)),
		-ENOENT);
	p = conf("encap = vxlan\n");
	cr_assert_eq(na_settings_resolve(p, "eth3", &flags, &o, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":1: key 'encap'"), "%s", err);
	unlink(p);
}

/* ---- na-repo's metrics (user/repo/repo_metrics.c) ----------------------------------------------
 */

Test(repo_metrics, counts_by_url_and_code)
{
	FILE *f;
	const char *out;

	repo_metrics_table(42, 1234);
	repo_metrics_request("/v1/vlan-table", 200, 1234);
	repo_metrics_request("/v1/vlan-table", 200, 1234);
	repo_metrics_request("/v1/vlan-table", 304, 0);
	repo_metrics_request(NULL, 404, 30);
	repo_metrics_table(43, 1300);
	repo_metrics_reload_failed();
	f = capture();
	repo_metrics_render(f);
	out = done(f);
	cr_assert(
		strstr(out,
		       "netlord_repo_http_requests_total{url=\"/v1/vlan-table\",code=\"200\"} 2\n"),
		"%s", out);
	cr_assert(strstr(
		out, "netlord_repo_http_requests_total{url=\"/v1/vlan-table\",code=\"304\"} 1\n"));
	cr_assert(strstr(out, "netlord_repo_http_requests_total{url=\"other\",code=\"404\"} 1\n"));
	cr_assert(strstr(out,
			 "netlord_repo_http_response_bytes_total{url=\"/v1/vlan-table\"} 2468\n"));
	cr_assert(strstr(out, "netlord_repo_vlan_table_serial 43\n"));
	cr_assert(strstr(out, "netlord_repo_vlan_table_bytes 1300\n"));
	cr_assert(strstr(out, "netlord_repo_vlan_table_reloads_total{result=\"ok\"} 1\n"));
	cr_assert(strstr(out, "netlord_repo_vlan_table_reloads_total{result=\"failed\"} 1\n"));
	/* each family's header once, before its samples */
	cr_assert_eq(strstr(out, "# TYPE netlord_repo_http_requests_total counter") -
			     strstr(out, "# TYPE netlord_repo_http_requests_total"),
		     0);
	cr_assert(strstr(out, "# TYPE netlord_repo_http_response_bytes_total counter\n") <
		  strstr(out, "netlord_repo_http_response_bytes_total{"));
}

Test(config, hostile_files)
{
	struct na_settings s;
	char err[512] = "", line[400];
	const char *p;

	/* 198 characters fit, 199 do not: named, not split into two lines */
	snprintf(line, sizeof(line), "repo = /%0190d\n", 0);
	p = conf(line);
	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), 0, "%s", err);
	unlink(p);
	snprintf(line, sizeof(line), "log_level = info\nrepo = /%0191d\n", 0);
	p = conf(line);
	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":2: longer than 198 characters"), "%s", err);
	unlink(p);
	/* control bytes in a key are not echoed to the terminal */
	p = conf("re\x1b[2Jpo = x\n");
	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":1: unknown key 're?[2Jpo'"), "%s", err);
	unlink(p);
	cr_assert_eq(na_config_parse("/tmp", NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "not a regular file"), "%s", err);
}

/* the flood token bucket keys (docs/wire-format.md section 3): range, merge, flags win */
Test(config, flood_rate_and_burst)
{
	struct na_settings eff, flags = {0}, s;
	char err[512] = "";
	const char *p = conf("flood_rate = 500\nflood_burst = 20\n[eth9]\nflood_rate = 7\n");

	cr_assert_eq(na_config_parse(p, "eth9", &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(s.flood_rate, 7, "the section wins");
	cr_assert_eq(s.flood_burst, 20);
	cr_assert_eq(na_setting_set(&flags, "flood_burst", "3", err, sizeof(err)), 0);
	na_settings_defaults(&eff);
	cr_assert_eq(eff.flood_rate, 0, "0: the datapath's default");
	na_settings_merge(&eff, &s);
	na_settings_merge(&eff, &flags);
	cr_assert_eq(eff.flood_rate, 7);
	cr_assert_eq(eff.flood_burst, 3, "the flag wins");
	unlink(p);
	p = conf("flood_burst = 0\n");
	cr_assert_eq(na_config_parse(p, NULL, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, ":1: key 'flood_burst'"), "%s", err);
	unlink(p);
	cr_assert_eq(na_setting_set(&flags, "flood_rate", "10000001", err, sizeof(err)), -EINVAL);
	cr_assert_eq(na_setting_set(&flags, "flood_rate", "x", err, sizeof(err)), -EINVAL);
}
