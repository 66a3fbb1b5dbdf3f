// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Criterion tests of authenticated NL-ARP (user/lib/nlarp_keys.c,
 * nlarp_replay.c, nlarp_auth.c; issue 10 item 2): the key file, sealing and
 * opening, wrong and unknown keys, a rotation with two keys, truncated and
 * extended trailers, replays, the clock window, every single bit flipped,
 * and the bounded replay table.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nlarp_auth.h"
#include "nlarp_fixture.h"

#define NOW 1790000000000ULL /* ms: a fixed wall clock */

#define KEY1	   "1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
#define KEY2	   "2 base64:q83v7/Hy8/T19vf4+fr7/A==\n" /* 16 bytes */
#define KEY1_OTHER "1 ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"

#define assert_auth(got, want)                                                  \
	cr_assert_eq((got), (want), "got %s, want %s", nlarp_auth_errname(got), \
		     nlarp_auth_errname(want))

static void ring(struct nlarp_keyring *kr, const char *text)
{
	char err[256] = "";

	cr_assert_eq(nlarp_keyring_parse(kr, text, err, sizeof(err)), 0, "%s", err);
}

static void seal(const struct nlarp_keyring *kr, struct nlarp_sealer *s, bool ucast, __u64 now,
		 __u8 *buf)
{
	struct nlarp_fields m = here();

	cr_assert_eq(nlarp_seal(kr, s, ucast, now, &m, NL_TENANT_BITS_16, buf, NLARP_AUTH_MSG_LEN),
		     NLARP_E_OK);
}

static enum nlarp_auth_err open_msg(const struct nlarp_keyring *kr, struct nlarp_replay *rp,
				    bool ucast, __u64 now, const __u8 *buf, size_t len)
{
	struct nlarp_fields out;
	enum nlarp_err be;

	return nlarp_open(kr, rp, ucast, now, buf, len, NL_TENANT_BITS_16, &out, &be);
}

/* ---- the key file ------------------------------------------------------------------------- */

Test(keys, hex_base64_comments_and_order)
{
	struct nlarp_keyring kr;

	ring(&kr, "# fleet keys\n\n" KEY1 "  " KEY2 "   # trailing comment\n");
	cr_assert_eq(kr.n, 2);
	cr_assert_eq(kr.keys[0].id, 1, "the first key signs");
	cr_assert_eq(kr.keys[0].len, 32);
	cr_assert_eq(kr.keys[0].secret[31], 0x1f);
	cr_assert_eq(kr.keys[1].id, 2);
	cr_assert_eq(kr.keys[1].len, 16);
	cr_assert_eq(kr.keys[1].secret[0], 0xab);
	cr_assert_eq(kr.keys[1].secret[15], 0xfc);
	cr_assert_not_null(nlarp_keyring_find(&kr, 2));
	cr_assert_null(nlarp_keyring_find(&kr, 3));
	nlarp_keyring_free(&kr);
}

Test(keys, refused_texts)
{
	static const char *bad[] = {
		"",						  /* no key */
		"# only a comment\n",				  /* no key */
		"0 000102030405060708090a0b0c0d0e0f\n",		  /* id 0 */
		"x1 000102030405060708090a0b0c0d0e0f\n",	  /* id not a number */
		"4294967296 000102030405060708090a0b0c0d0e0f\n",  /* id > 32 bits */
		"1 0001020304050607\n",				  /* 8 bytes: too short */
		"1 000102030405060708090a0b0c0d0e0g\n",		  /* not hex */
		"1 000102030405060708090a0b0c0d0e0\n",		  /* odd digits */
		"1\n",						  /* no secret */
		"1 000102030405060708090a0b0c0d0e0f extra\n",	  /* three fields */
		"1 base64:AAECAw==\n",				  /* 4 bytes */
		KEY1 KEY1,					  /* same id twice */
		KEY1 KEY2 "3 000102030405060708090a0b0c0d0e0f\n", /* three keys */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nlarp_keyring kr;
		char err[256] = "";

		cr_assert_eq(nlarp_keyring_parse(&kr, bad[i], err, sizeof(err)), -EINVAL,
			     "text %zu accepted", i);
		cr_assert_neq(err[0], '\0', "text %zu: no message", i);
		cr_assert_eq(kr.n, 0);
	}
}

Test(keys, file_permissions)
{
	char path[] = "/tmp/nlarp-key-XXXXXX", err[512];
	struct nlarp_keyring kr;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, KEY1, strlen(KEY1)), (ssize_t)strlen(KEY1));
	close(fd);
	chmod(path, 0600);
	cr_assert_eq(nlarp_keyring_load(&kr, path, err, sizeof(err)), 0, "%s", err);
	nlarp_keyring_free(&kr);
	chmod(path, 0640);
	cr_assert_eq(nlarp_keyring_load(&kr, path, err, sizeof(err)), -EPERM);
	cr_assert(strstr(err, "group or others") && strstr(err, "chmod 600"), "%s", err);
	chmod(path, 0604);
	cr_assert_eq(nlarp_keyring_load(&kr, path, err, sizeof(err)), -EPERM);
	unlink(path);
	cr_assert_eq(nlarp_keyring_load(&kr, path, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, path), "%s", err);
}

/* ---- seal and open ------------------------------------------------------------------------ */

Test(auth, round_trip_both_channels)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	struct nlarp_replay rp;
	struct nlarp_fields out, want = here();
	enum nlarp_err be;
	__u8 buf[NLARP_AUTH_MSG_LEN + 8];

	ring(&kr, KEY1);
	cr_assert_eq(nlarp_replay_init(&rp, 64), 0);
	nlarp_sealer_init(&s, NOW * 1000);
	for (int ucast = 0; ucast < 2; ucast++) {
		memset(buf, 0xaa, sizeof(buf));
		seal(&kr, &s, ucast, NOW, buf);
		cr_assert_eq(buf[NLARP_AUTH_MSG_LEN], 0xaa, "exactly 160 bytes written");
		cr_assert_eq(buf[0], 3, "version 3");
		cr_assert_eq(ntohl(*(__be32 *)(buf + NLARP_MSG_LEN)), 1, "key id 1");
		cr_assert_eq(buf[NLARP_MSG_LEN + 4], ucast ? NLARP_AUTH_F_UNICAST : 0);
		cr_assert_eq(nlarp_open(&kr, &rp, ucast, NOW + 5, buf, NLARP_AUTH_MSG_LEN,
					NL_TENANT_BITS_16, &out, &be),
			     NLARP_AUTH_E_OK);
		cr_assert_eq(out.op, want.op);
		cr_assert_eq(out.tenant, want.tenant);
		cr_assert_eq(out.loc_version, want.loc_version);
		cr_assert_arr_eq(out.mac, want.mac, 6);
		cr_assert_eq(out.ip, want.ip);
	}
	/* each channel counts its own sequence numbers */
	cr_assert_eq(s.seq[0], NOW * 1000 + 1);
	cr_assert_eq(s.seq[1], NOW * 1000 + 1);
	nlarp_replay_free(&rp);
	nlarp_keyring_free(&kr);
}

Test(auth, nonces_differ)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	__u8 a[NLARP_AUTH_MSG_LEN], b[NLARP_AUTH_MSG_LEN];

	ring(&kr, KEY1);
	nlarp_sealer_init(&s, 1);
	seal(&kr, &s, false, NOW, a);
	seal(&kr, &s, false, NOW, b);
	cr_assert(memcmp(a + NLARP_MSG_LEN + 24, b + NLARP_MSG_LEN + 24, 8),
		  "two messages with the same nonce");
	nlarp_keyring_free(&kr);
}

Test(auth, wrong_key_and_unknown_key)
{
	struct nlarp_keyring k1, other, k2;
	struct nlarp_sealer s;
	__u8 buf[NLARP_AUTH_MSG_LEN];

	ring(&k1, KEY1);
	ring(&other, KEY1_OTHER);
	ring(&k2, KEY2);
	nlarp_sealer_init(&s, 1);
	seal(&k1, &s, false, NOW, buf);
	assert_auth(open_msg(&other, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_MAC);
	assert_auth(open_msg(&k2, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_KEY_UNKNOWN);
	/* unauthenticated (key id 0, --insecure-no-auth) is refused by a keyed agent */
	seal(NULL, &s, false, NOW, buf);
	cr_assert_eq(*(__u32 *)(buf + NLARP_MSG_LEN), 0);
	assert_auth(open_msg(&k1, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_KEY_UNKNOWN);
	/* ... and accepted by an insecure one */
	assert_auth(open_msg(NULL, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_OK);
	nlarp_keyring_free(&k1);
	nlarp_keyring_free(&other);
	nlarp_keyring_free(&k2);
}

/*
 * A rotation: every agent has {old, new}; agents that already sign with
 * the new key and agents still signing with the old one understand each
 * other; an agent that only has the new key refuses the old one.
 */
Test(auth, rotation_two_keys)
{
	struct nlarp_keyring old_first, new_first, new_only;
	struct nlarp_sealer s;
	__u8 a[NLARP_AUTH_MSG_LEN], b[NLARP_AUTH_MSG_LEN];

	ring(&old_first, KEY1 KEY2);
	ring(&new_first, KEY2 KEY1);
	ring(&new_only, KEY2);
	nlarp_sealer_init(&s, 1);
	seal(&old_first, &s, false, NOW, a);
	seal(&new_first, &s, false, NOW, b);
	cr_assert_eq(ntohl(*(__be32 *)(a + NLARP_MSG_LEN)), 1);
	cr_assert_eq(ntohl(*(__be32 *)(b + NLARP_MSG_LEN)), 2);
	assert_auth(open_msg(&new_first, NULL, false, NOW, a, sizeof(a)), NLARP_AUTH_E_OK);
	assert_auth(open_msg(&old_first, NULL, false, NOW, b, sizeof(b)), NLARP_AUTH_E_OK);
	assert_auth(open_msg(&new_only, NULL, false, NOW, b, sizeof(b)), NLARP_AUTH_E_OK);
	assert_auth(open_msg(&new_only, NULL, false, NOW, a, sizeof(a)), NLARP_AUTH_E_KEY_UNKNOWN);
	nlarp_keyring_free(&old_first);
	nlarp_keyring_free(&new_first);
	nlarp_keyring_free(&new_only);
}

Test(auth, truncated_extended_and_unauthenticated)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	__u8 buf[NLARP_AUTH_MSG_LEN + 16] = {};

	ring(&kr, KEY1);
	nlarp_sealer_init(&s, 1);
	seal(&kr, &s, false, NOW, buf);
	for (size_t len = 0; len < NLARP_AUTH_MSG_LEN; len++)
		assert_auth(open_msg(&kr, NULL, false, NOW, buf, len), NLARP_AUTH_E_LENGTH);
	for (size_t len = NLARP_AUTH_MSG_LEN + 1; len <= sizeof(buf); len++)
		assert_auth(open_msg(&kr, NULL, false, NOW, buf, len), NLARP_AUTH_E_LENGTH);
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, NLARP_AUTH_MSG_LEN), NLARP_AUTH_E_OK);
	/* a version 1 message padded to 160 bytes */
	buf[0] = 1;
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, NLARP_AUTH_MSG_LEN), NLARP_AUTH_E_VERSION);
	nlarp_keyring_free(&kr);
}

/*
 * An agent without IPv6 support seals version 2 (44-byte body, 92 bytes):
 * still opened and decoded, with no IPv6 address; its MAC covers its own
 * body; the IPv6 addresses of a HERE travel authenticated in version 3.
 */
Test(auth, version2_and_ip6_bodies)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	struct nlarp_fields m = here(), out;
	enum nlarp_err be;
	__u8 buf[NLARP_AUTH_MSG_LEN];

	ring(&kr, KEY1);
	nlarp_sealer_init(&s, 1);
	m.version = NLARP_VERSION_V2;
	cr_assert_eq(nlarp_auth_msg_len(2), 92);
	cr_assert_eq(nlarp_auth_msg_len(3), 160);
	cr_assert_eq(nlarp_seal(&kr, &s, false, NOW, &m, 16, buf, NLARP_AUTH_MSG_LEN_V2),
		     NLARP_E_OK);
	assert_auth(nlarp_open(&kr, NULL, false, NOW, buf, NLARP_AUTH_MSG_LEN_V2, 16, &out, &be),
		    NLARP_AUTH_E_OK);
	cr_assert_eq(out.version, 2);
	cr_assert_eq(out.ip6_count, 0);
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, NLARP_AUTH_MSG_LEN), NLARP_AUTH_E_LENGTH);
	buf[10] ^= 1; /* the body is covered */
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, NLARP_AUTH_MSG_LEN_V2), NLARP_AUTH_E_MAC);

	m = here();
	m.ip6_count = 1;
	m.ip6[0][0] = 0x20;
	m.ip6[0][1] = 0x01;
	m.ip6[0][15] = 0x42;
	cr_assert_eq(nlarp_seal(&kr, &s, false, NOW, &m, 16, buf, sizeof(buf)), NLARP_E_OK);
	assert_auth(nlarp_open(&kr, NULL, false, NOW, buf, sizeof(buf), 16, &out, &be),
		    NLARP_AUTH_E_OK);
	cr_assert_eq(out.ip6_count, 1);
	cr_assert_arr_eq(out.ip6[0], m.ip6[0], 16);
	buf[NLARP_MSG_LEN_V2 + 4 + 15] ^= 1; /* an IPv6 address is covered too */
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_MAC);
	nlarp_keyring_free(&kr);
}

Test(auth, every_bit_flip_is_refused)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	__u8 buf[NLARP_AUTH_MSG_LEN];

	ring(&kr, KEY1);
	nlarp_sealer_init(&s, 1);
	seal(&kr, &s, false, NOW, buf);
	for (int bit = 0; bit < NLARP_AUTH_MSG_LEN * 8; bit++) {
		enum nlarp_auth_err e;

		buf[bit / 8] ^= (__u8)(1 << bit % 8);
		e = open_msg(&kr, NULL, false, NOW, buf, sizeof(buf));
		/* a flipped version bit names version 2 (92 bytes) or none */
		cr_assert(e == NLARP_AUTH_E_MAC || e == NLARP_AUTH_E_VERSION ||
				  e == NLARP_AUTH_E_KEY_UNKNOWN || e == NLARP_AUTH_E_LENGTH,
			  "bit %d flipped: %s", bit, nlarp_auth_errname(e));
		buf[bit / 8] ^= (__u8)(1 << bit % 8);
	}
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_OK);
	nlarp_keyring_free(&kr);
}

Test(auth, channel_must_match)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	__u8 buf[NLARP_AUTH_MSG_LEN];

	ring(&kr, KEY1);
	nlarp_sealer_init(&s, 1);
	seal(&kr, &s, false, NOW, buf);
	assert_auth(open_msg(&kr, NULL, true, NOW, buf, sizeof(buf)), NLARP_AUTH_E_CHANNEL);
	seal(&kr, &s, true, NOW, buf);
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_CHANNEL);
	nlarp_keyring_free(&kr);
}

Test(auth, clock_window)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	__u8 buf[NLARP_AUTH_MSG_LEN];

	ring(&kr, KEY1);
	nlarp_sealer_init(&s, 1);
	seal(&kr, &s, false, NOW, buf);
	assert_auth(open_msg(&kr, NULL, false, NOW + NLARP_AUTH_WINDOW_MS, buf, sizeof(buf)),
		    NLARP_AUTH_E_OK);
	assert_auth(open_msg(&kr, NULL, false, NOW + NLARP_AUTH_WINDOW_MS + 1, buf, sizeof(buf)),
		    NLARP_AUTH_E_STALE);
	assert_auth(open_msg(&kr, NULL, false, NOW - NLARP_AUTH_WINDOW_MS, buf, sizeof(buf)),
		    NLARP_AUTH_E_OK);
	assert_auth(open_msg(&kr, NULL, false, NOW - NLARP_AUTH_WINDOW_MS - 1, buf, sizeof(buf)),
		    NLARP_AUTH_E_FUTURE);
	/* the largest timestamp does not wrap into the window */
	seal(&kr, &s, false, ~0ULL, buf);
	assert_auth(open_msg(&kr, NULL, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_FUTURE);
	nlarp_keyring_free(&kr);
}

Test(auth, replay_refused_reorder_accepted)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	struct nlarp_replay rp;
	static __u8 msgs[100][NLARP_AUTH_MSG_LEN];

	ring(&kr, KEY1);
	cr_assert_eq(nlarp_replay_init(&rp, 64), 0);
	nlarp_sealer_init(&s, NOW * 1000);
	for (int i = 0; i < 100; i++)
		seal(&kr, &s, false, NOW, msgs[i]);
	/* the newest first, then older ones within the window: reordered, accepted */
	assert_auth(open_msg(&kr, &rp, false, NOW, msgs[99], NLARP_AUTH_MSG_LEN), NLARP_AUTH_E_OK);
	for (int i = 98; i >= 99 - NLARP_AUTH_REPLAY_WIN + 1; i--)
		assert_auth(open_msg(&kr, &rp, false, NOW, msgs[i], NLARP_AUTH_MSG_LEN),
			    NLARP_AUTH_E_OK);
	/* below the window: refused */
	assert_auth(open_msg(&kr, &rp, false, NOW, msgs[99 - NLARP_AUTH_REPLAY_WIN],
			     NLARP_AUTH_MSG_LEN),
		    NLARP_AUTH_E_REPLAY);
	/* every one of them a second time: refused */
	for (int i = 99; i >= 99 - NLARP_AUTH_REPLAY_WIN + 1; i--)
		assert_auth(open_msg(&kr, &rp, false, NOW, msgs[i], NLARP_AUTH_MSG_LEN),
			    NLARP_AUTH_E_REPLAY);
	/* the other channel has its own numbers */
	seal(&kr, &s, true, NOW, msgs[0]);
	assert_auth(open_msg(&kr, &rp, true, NOW, msgs[0], NLARP_AUTH_MSG_LEN), NLARP_AUTH_E_OK);
	assert_auth(open_msg(&kr, &rp, true, NOW, msgs[0], NLARP_AUTH_MSG_LEN),
		    NLARP_AUTH_E_REPLAY);
	nlarp_replay_free(&rp);
	nlarp_keyring_free(&kr);
}

/* a restarted sender starts its numbers at its clock in microseconds: above the old ones */
Test(auth, restarted_sender_accepted)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer before, after;
	struct nlarp_replay rp;
	__u8 buf[NLARP_AUTH_MSG_LEN];

	ring(&kr, KEY1);
	cr_assert_eq(nlarp_replay_init(&rp, 64), 0);
	nlarp_sealer_init(&before, NOW * 1000);
	for (int i = 0; i < 1000; i++) {
		seal(&kr, &before, false, NOW, buf);
		assert_auth(open_msg(&kr, &rp, false, NOW, buf, sizeof(buf)), NLARP_AUTH_E_OK);
	}
	nlarp_sealer_init(&after, (NOW + 2) * 1000); /* restarted 2 ms later */
	seal(&kr, &after, false, NOW + 2, buf);
	assert_auth(open_msg(&kr, &rp, false, NOW + 2, buf, sizeof(buf)), NLARP_AUTH_E_OK);
	nlarp_replay_free(&rp);
	nlarp_keyring_free(&kr);
}

/* an authentic but invalid body is BODY, with the codec's reason, and commits nothing */
Test(auth, authentic_invalid_body)
{
	struct nlarp_keyring kr;
	struct nlarp_sealer s;
	struct nlarp_replay rp;
	struct nlarp_fields out;
	enum nlarp_err be;
	__u8 buf[NLARP_AUTH_MSG_LEN];
	const struct nlarp_key *k;

	ring(&kr, KEY1);
	k = &kr.keys[0];
	cr_assert_eq(nlarp_replay_init(&rp, 64), 0);
	nlarp_sealer_init(&s, 1);
	seal(&kr, &s, false, NOW, buf);
	memset(buf + 4, 0, 4); /* tenant 0, then a valid MAC over it */
	cr_assert_eq(nlarp_auth_mac(k, buf, NLARP_AUTH_MSG_LEN - 16, buf + NLARP_AUTH_MSG_LEN - 16),
		     0);
	cr_assert_eq(
		nlarp_open(&kr, &rp, false, NOW, buf, sizeof(buf), NL_TENANT_BITS_16, &out, &be),
		NLARP_AUTH_E_BODY);
	cr_assert_eq(be, NLARP_E_TENANT);
	cr_assert_eq(nlarp_replay_count(&rp), 0);
	nlarp_replay_free(&rp);
	nlarp_keyring_free(&kr);
}

/* 100,000 distinct senders (a key holder forging switch MACs): the table stays bounded */
Test(replay, bounded_table)
{
	struct nlarp_replay rp;
	__u8 sw[6] = {0x02, 0, 0, 0, 0, 0};
	unsigned int cap;

	cr_assert_eq(nlarp_replay_init(&rp, 256), 0);
	cap = rp.sets * NLARP_REPLAY_WAYS;
	cr_assert_geq(cap, 256);
	cr_assert_leq(cap, 512);
	for (__u32 i = 0; i < 100000; i++) {
		sw[2] = (__u8)(i >> 16);
		sw[3] = (__u8)(i >> 8);
		sw[4] = (__u8)i;
		cr_assert_eq(nlarp_replay_check(&rp, sw, 1, false, 10, NOW + i, true),
			     NLARP_REPLAY_NEW);
	}
	cr_assert_leq(nlarp_replay_count(&rp), cap);
	cr_assert_geq(rp.evictions, 100000 - cap);
	/* the most recent sender is remembered: its replay is refused */
	cr_assert_eq(nlarp_replay_check(&rp, sw, 1, false, 10, NOW + 99999, true),
		     NLARP_REPLAY_SEEN);
	nlarp_replay_free(&rp);
}

/* the table's size is configured (attach --nlarp-senders): bounds, rounding, counts */
Test(replay, sized_by_configuration)
{
	static const unsigned int sizes[] = {NLARP_REPLAY_PEERS_MIN, 100, 1000, 16384};
	struct nlarp_replay rp;
	__u8 sw[6] = {0x02, 0x5a, 0, 0, 0, 0};

	cr_assert_eq(nlarp_replay_init(&rp, NLARP_REPLAY_PEERS_MIN - 1), -EINVAL);
	cr_assert_eq(nlarp_replay_init(&rp, 0), -EINVAL);
	cr_assert_eq(nlarp_replay_init(&rp, NLARP_REPLAY_PEERS_MAX + 1), -EINVAL);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned int cap, n = sizes[s] * 3;

		cr_assert_eq(nlarp_replay_init(&rp, sizes[s]), 0);
		cap = nlarp_replay_capacity(&rp);
		cr_assert_geq(cap, sizes[s], "%u senders asked, %u slots", sizes[s], cap);
		cr_assert_lt(cap, 2 * sizes[s], "at most twice the size asked");
		cr_assert_eq(nlarp_replay_count(&rp), 0);
		/* three times as many senders as asked: the table fills, every eviction counted */
		for (__u32 i = 0; i < n; i++) {
			sw[3] = (__u8)(i >> 16);
			sw[4] = (__u8)(i >> 8);
			sw[5] = (__u8)i;
			cr_assert_eq(nlarp_replay_check(&rp, sw, 7, true, 5, NOW + i, true),
				     NLARP_REPLAY_NEW);
		}
		cr_assert_eq(rp.live, nlarp_replay_count(&rp), "live %u, slots used %u", rp.live,
			     nlarp_replay_count(&rp));
		cr_assert_leq(rp.live, cap);
		cr_assert_eq(rp.live + rp.evictions, n, "every sender remembered or evicted");
		cr_assert_geq(rp.evictions, n - cap);
		nlarp_replay_free(&rp);
	}
}

/* the largest table is allocated and usable */
Test(replay, largest_table)
{
	struct nlarp_replay rp;
	__u8 sw[6] = {0x02, 0x5b, 1, 2, 3, 4};

	cr_assert_eq(nlarp_replay_init(&rp, NLARP_REPLAY_PEERS_MAX), 0);
	cr_assert_eq(nlarp_replay_capacity(&rp), NLARP_REPLAY_PEERS_MAX);
	cr_assert_eq(nlarp_replay_check(&rp, sw, 1, false, 9, NOW, true), NLARP_REPLAY_NEW);
	cr_assert_eq(nlarp_replay_check(&rp, sw, 1, false, 9, NOW, true), NLARP_REPLAY_SEEN);
	cr_assert_eq(rp.live, 1);
	nlarp_replay_free(&rp);
}
