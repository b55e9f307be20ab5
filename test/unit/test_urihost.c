/*
 * tcp_persona - unit tests: the fast reader of plain SIP URIs
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tp_urihost.h"
#include "unit.h"

/* reads uri; \return 1 and the address text, or 0 */
static int read_uri(const char *uri, char *text, size_t size, tp_uri_tr_t *tr)
{
	tp_addr_t a;

	if(!tp_urihost_plain(uri, strlen(uri), &a, tr))
		return 0;
	ck_assert_int_eq(a.af, 4);
	tp_addr_str(&a, text, size);
	return 1;
}

static void expect(const char *uri, const char *addr, tp_uri_tr_t want)
{
	char text[64];
	tp_uri_tr_t tr = TP_TR_UDP + 7;

	ck_assert_msg(read_uri(uri, text, sizeof(text), &tr), "[%s] not read", uri);
	ck_assert_msg(strcmp(text, addr) == 0, "[%s] gave %s, not %s", uri, text,
			addr);
	ck_assert_msg(tr == want, "[%s] transport %d, not %d", uri, tr, want);
}

static void left_to_core(const char *uri)
{
	char text[64];
	tp_uri_tr_t tr;

	ck_assert_msg(!read_uri(uri, text, sizeof(text), &tr),
			"[%s] read as %s: the core's parser must have it", uri, text);
}

START_TEST(test_urihost_plain_contacts)
{
	expect("sip:ue@10.1.2.3:5064;transport=tcp", "10.1.2.3:5064", TP_TR_TCP);
	expect("sip:10.1.2.3", "10.1.2.3:5060", TP_TR_NONE);
	expect("sip:+4930123@10.1.2.3;user=phone", "10.1.2.3:5060", TP_TR_NONE);
	expect("SIP:ue@0.0.0.0:1;Transport=TCP;lr", "0.0.0.0:1", TP_TR_TCP);
	expect("sip:a.b-c_d%20!~*'()&=$,@255.255.255.255:65535;ob", 
			"255.255.255.255:65535", TP_TR_NONE);
	expect("sip:ue@127.0.0.81:5064;transport=udp", "127.0.0.81:5064",
			TP_TR_UDP);
}
END_TEST

/* the default port is the transport's, as the core's forwarding reads it */
START_TEST(test_urihost_default_port)
{
	expect("sip:ue@10.0.0.1;transport=tls", "10.0.0.1:5061", TP_TR_TLS);
	expect("sip:ue@10.0.0.1;transport=tcp", "10.0.0.1:5060", TP_TR_TCP);
	expect("sip:ue@10.0.0.1:5060;transport=TLS", "10.0.0.1:5060", TP_TR_TLS);
}
END_TEST

/* what the core reads differently, or leniently, is the core's to read */
START_TEST(test_urihost_left_to_core)
{
	static const char *const uris[] = {
			"sips:ue@10.0.0.1",					/* another scheme */
			"tel:+4930123",						/* idem */
			"sip\x1aue@10.0.0.1",				/* ':' | 0x20 is not ':' */
			"sjp:ue@10.0.0.1",					/* not sip */
			"sip:ue@010.0.0.1",					/* str2ip: 10.0.0.1 */
			"sip:ue@256.1.1.1",					/* str2ip: 0.1.1.1 */
			"sip:ue@10.0.0",					/* too few parts */
			"sip:ue@10.0.0.1.5",				/* too many */
			"sip:ue@1.2.3.4444",				/* idem */
			"sip:ue@[::1]:5060",				/* IPv6 */
			"sip:ue@pcscf.ims.example",			/* a name */
			"sip:ue@10.0.0.1:0",				/* port 0 */
			"sip:ue@10.0.0.1:05060",			/* leading zero */
			"sip:ue@10.0.0.1:65536",			/* too large */
			"sip:ue@10.0.0.1:",					/* no port */
			"sip:ue@10.0.0.1:5060x",			/* not a port */
			"sip:ue:pw@10.0.0.1",				/* a password */
			"sip:ue;npdi@10.0.0.1",				/* user parameters */
			"sip:a@b@10.0.0.1",					/* two '@' */
			"sip:@10.0.0.1",					/* empty user */
			"sip:ue@10.0.0.1?Route=x",			/* headers */
			"sip:ue@10.0.0.1;transport=sctp",	/* another transport */
			"sip:ue@10.0.0.1;transport=ws",		/* idem */
			"sip:ue@10.0.0.1;transport=",		/* empty */
			"sip:ue@10.0.0.1;transport",		/* no value */
			"sip:ue@10.0.0.1;transport=tcp;transport=udp", /* twice */
			"sip:ue@10.0.0.1;;lr",				/* empty parameter */
			"sip:ue@10.0.0.1;lr=",				/* empty value */
			"sip:ue@10.0.0.1;x=\"a\"",			/* quoted value */
			"sip:ue@10.0.0.1 ",					/* trailing blank */
			"sip:ue@10.0.0.1;maddr=10.0.0.2",	/* another host */
			"sip:ue@10.0.0.1;ma",				/* the core refuses it */
			"sip:ue@10.0.0.1;MADD",				/* idem */
			"sip:ue@10.0.0.1;m;x-y_z.1=a-b.c_d;ob", /* fine: read */
	};
	char text[64];
	tp_uri_tr_t tr;
	size_t i;

	for(i = 0; i + 1 < sizeof(uris) / sizeof(uris[0]); i++)
		left_to_core(uris[i]);
	/* the last one is plain: parameters other than transport are skipped */
	ck_assert(read_uri(uris[i], text, sizeof(text), &tr));
	ck_assert_str_eq(text, "10.0.0.1:5060");
}
END_TEST

/* a URI's host: only a canonical IPv4 address is read, all of it. The
 * host is copied to a buffer of its exact size: ASan sees a read past it */
static void host_is(const char *host, int want, const uint8_t ip[4])
{
	uint8_t got[4] = {0};
	size_t len = strlen(host);
	char *exact = malloc(len ? len : 1);
	int r;

	ck_assert_ptr_nonnull(exact);
	memcpy(exact, host, len);
	r = tp_urihost_ipv4(exact, len, got);
	free(exact);

	ck_assert_msg(r == want, "[%s]: %d, want %d", host, r, want);
	if(want)
		ck_assert_msg(memcmp(got, ip, 4) == 0, "[%s] read wrong", host);
}

START_TEST(test_urihost_ipv4_host)
{
	static const uint8_t lo[4] = {127, 0, 0, 81}, top[4] = {255, 255, 255, 255},
						 zero[4] = {0, 0, 0, 0};

	host_is("127.0.0.81", 1, lo);
	host_is("255.255.255.255", 1, top);
	host_is("0.0.0.0", 1, zero);
	/* left to the core: not canonical, not all of it, not IPv4 */
	host_is("127.0.0.081", 0, NULL);
	host_is("256.0.0.1", 0, NULL);
	host_is("1.2.3.1000", 0, NULL);
	host_is("1.2.3.00", 0, NULL);
	host_is("1.2.3.4a", 0, NULL);
	host_is("1..3.4", 0, NULL);
	host_is("1.2.3", 0, NULL);
	host_is("1.2.3.4.", 0, NULL);
	host_is("1.2.3.4.5", 0, NULL);
	host_is("1.2.3.4:5060", 0, NULL);
	host_is(" 1.2.3.4", 0, NULL);
	host_is("[::1]", 0, NULL);
	host_is("ue.example.net", 0, NULL);
	host_is("", 0, NULL);
}
END_TEST

/* every cut of a host is read within its length: "255.255.255.2" (13
 * bytes) and longer are addresses, shorter cuts are not */
START_TEST(test_urihost_ipv4_host_cut)
{
	const char *host = "255.255.255.255";
	uint8_t got[4];
	size_t n, len = strlen(host);
	char *cut;
	int r;

	for(n = 0; n <= len; n++) {
		cut = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, host, n);
		r = tp_urihost_ipv4(cut, n, got);
		free(cut);
		ck_assert_msg(r == (n >= 13), "cut at %zu: %d", n, r);
	}
}
END_TEST

/* a URI cut anywhere is read within its length (an exact-size heap copy:
 * ASan stops a read past it), and gives its own host and port */
START_TEST(test_urihost_length_bound)
{
	const char *uri = "sip:ue@10.1.2.3:5064;transport=tcp";
	size_t n, len = strlen(uri);
	tp_uri_tr_t tr;
	tp_addr_t a;
	char *cut, text[64];
	int got;

	for(n = 0; n <= len; n++) {
		cut = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, uri, n);
		got = tp_urihost_plain(cut, n, &a, &tr);
		free(cut);
		if(n < strlen("sip:ue@10.1.2.3") || n == strlen("sip:ue@10.1.2.3:"))
			ck_assert_msg(!got, "cut at %zu read", n);
		if(!got)
			continue;
		tp_addr_str(&a, text, sizeof(text));
		ck_assert_msg(strncmp(text, "10.1.2.3:", 9) == 0, "%s", text);
	}
	ck_assert(tp_urihost_plain(uri, len, &a, &tr) && tr == TP_TR_TCP);
}
END_TEST

TCase *tp_tcase_urihost(void)
{
	TCase *tc = tcase_create("urihost");

	tcase_add_test(tc, test_urihost_plain_contacts);
	tcase_add_test(tc, test_urihost_default_port);
	tcase_add_test(tc, test_urihost_left_to_core);
	tcase_add_test(tc, test_urihost_length_bound);
	tcase_add_test(tc, test_urihost_ipv4_host);
	tcase_add_test(tc, test_urihost_ipv4_host_cut);
	return tc;
}
