/*
 * test_output_prw.c - unit tests of the Prometheus remote-write wire format
 * (lib/output/prw.h): the WriteRequest protobuf bytes against bytes worked
 * out by hand from the .proto (samples and native histograms), the
 * histogram's bucket keys, and the snappy block round trip.
 */
#include <check.h>
#include <math.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>

#include "output/prw.h"

/* One series, k6_x_total{a="b"} 1.5 @1000 ms:
 *   Label __name__:  0a 08 "__name__" 12 0a "k6_x_total"     (22 bytes)
 *   Label a:         0a 01 "a" 12 01 "b"                     (6)
 *   Sample:          09 <1.5 as fixed64 LE> 10 e8 07         (12)
 *   TimeSeries:      0a 16 <22> 0a 06 <6> 12 0c <12>         (46)
 *   WriteRequest:    0a 2e <46>                              (48) */
static const unsigned char one_series[] = {
	0x0a, 0x2e,
	0x0a, 0x16, 0x0a, 0x08, '_', '_', 'n', 'a', 'm', 'e', '_', '_',
	0x12, 0x0a, 'k', '6', '_', 'x', '_', 't', 'o', 't', 'a', 'l',
	0x0a, 0x06, 0x0a, 0x01, 'a', 0x12, 0x01, 'b',
	0x12, 0x0c, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, 0x10, 0xe8, 0x07,
};

START_TEST(test_output_prw__encode_by_hand)
{
	const k6c_tag labels[] = { { "__name__", "k6_x_total" }, { "a", "b" } };
	k6c__prw_series s = { labels, 2, 1.5, 1000, NULL };
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__prw_encode(&b, &s, 1), 0);
	ck_assert_uint_eq(b.len, sizeof(one_series));
	ck_assert_mem_eq(b.ptr, one_series, sizeof(one_series));
	/* Two series are two repeated field-1 entries, one after the other. */
	k6c__buf_clear(&b);
	{
		k6c__prw_series two[2] = { s, s };
		ck_assert_int_eq(k6c__prw_encode(&b, two, 2), 0);
		ck_assert_uint_eq(b.len, 2 * sizeof(one_series));
		ck_assert_mem_eq(b.ptr + sizeof(one_series), one_series, sizeof(one_series));
	}
	k6c__buf_free(&b);
}
END_TEST

/* Long labels need two-byte lengths, and a timestamp of today's size a
 * six-byte varint; decoding the outer lengths finds the whole message. */
START_TEST(test_output_prw__long_lengths)
{
	char big[300];
	k6c_tag labels[2] = { { "__name__", "k6_long" }, { "url", big } };
	k6c__prw_series s = { labels, 2, -0.0, 1764185000123, NULL };
	k6c__buf b = K6C__BUF_INIT;
	const unsigned char *p;
	size_t len = 0;
	int shift = 0;

	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(k6c__prw_encode(&b, &s, 1), 0);
	p = (const unsigned char *)b.ptr;
	ck_assert_uint_eq(p[0], 0x0a);
	/* The series' length varint, then exactly that many bytes. */
	p++;
	do {
		len |= (size_t)(*p & 0x7f) << shift;
		shift += 7;
	} while (*p++ & 0x80);
	ck_assert_uint_eq((size_t)(p - (const unsigned char *)b.ptr) + len, b.len);
	/* The timestamp varint ends the message: 1764185000123 in 6 bytes. */
	{
		const unsigned char *end = (const unsigned char *)b.ptr + b.len;
		uint64_t ts = 0;
		ck_assert_uint_eq(end[-7], 0x10);
		for (int i = 0; i < 6; i++)
			ts |= (uint64_t)(end[-6 + i] & 0x7f) << (7 * i);
		ck_assert_uint_eq(end[-1] & 0x80, 0);
		ck_assert(ts == 1764185000123ull);
	}
	k6c__buf_free(&b);
}
END_TEST

START_TEST(test_output_prw__snappy_round_trip)
{
	k6c__buf raw = K6C__BUF_INIT, z = K6C__BUF_INIT;
	size_t n = 0;
	char *back;

	for (int i = 0; i < 200; i++) {
		const k6c_tag labels[] = { { "__name__", "k6_http_reqs_total" }, { "method", "GET" } };
		k6c__prw_series s = { labels, 2, (double)i, 1000 + i, NULL };
		ck_assert_int_eq(k6c__prw_encode(&raw, &s, 1), 0);
	}
	ck_assert_int_eq(k6c__prw_snappy(&z, raw.ptr, raw.len), 0);
	/* Repetitive series compress well. */
	ck_assert_uint_lt(z.len, raw.len / 2);
	ck_assert_int_eq(snappy_uncompressed_length(z.ptr, z.len, &n), SNAPPY_OK);
	ck_assert_uint_eq(n, raw.len);
	back = malloc(n);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(snappy_uncompress(z.ptr, z.len, back, &n), SNAPPY_OK);
	ck_assert_mem_eq(back, raw.ptr, raw.len);
	free(back);
	/* An empty request compresses to a valid empty block. */
	ck_assert_int_eq(k6c__prw_snappy(&z, "", 0), 0);
	ck_assert_int_eq(snappy_uncompressed_length(z.ptr, z.len, &n), SNAPPY_OK);
	ck_assert_uint_eq(n, 0);
	k6c__buf_free(&raw);
	k6c__buf_free(&z);
}
END_TEST

/* k6_d_seconds, a native histogram: count 6, sum 2, schema 3, zero
 * threshold 2^-128, no zero count; positive buckets 0:2, 1:1, 4:3, so two
 * spans (offset 0 length 2; offset 2 length 1) and deltas 2, -1, 2:
 *   Histogram (44 bytes):
 *     08 06                     count_int 6
 *     19 <2.0>                  sum
 *     20 06                     schema 3 (zigzag 6)
 *     29 <2^-128>               zero_threshold
 *     30 00                     zero_count_int 0
 *     5a 04 08 00 10 02         positive span (0, 2)
 *     5a 04 08 04 10 01         positive span (2, 1) (zigzag 4)
 *     62 03 04 01 04            positive deltas 2, -1, 2 (zigzag, packed)
 *     78 e8 07                  timestamp 1000
 *   TimeSeries: 0a 18 <label __name__> 22 2c <histogram>   (72)
 *   WriteRequest: 0a 48 <series>                           (74) */
static const unsigned char one_histogram[] = {
	0x0a, 0x48,
	0x0a, 0x18, 0x0a, 0x08, '_', '_', 'n', 'a', 'm', 'e', '_', '_',
	0x12, 0x0c, 'k', '6', '_', 'd', '_', 's', 'e', 'c', 'o', 'n', 'd', 's',
	0x22, 0x2c,
	0x08, 0x06,
	0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
	0x20, 0x06,
	0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x37,
	0x30, 0x00,
	0x5a, 0x04, 0x08, 0x00, 0x10, 0x02,
	0x5a, 0x04, 0x08, 0x04, 0x10, 0x01,
	0x62, 0x03, 0x04, 0x01, 0x04,
	0x78, 0xe8, 0x07,
};

START_TEST(test_output_prw__histogram_by_hand)
{
	const k6c_tag labels[] = { { "__name__", "k6_d_seconds" } };
	const k6c__prw_bucket pos[] = { { 0, 2 }, { 1, 1 }, { 4, 3 } };
	k6c__prw_histogram h = { 6, 0, 2.0, 2.938735877055719e-39, 3, pos, NULL, 3, 0 };
	k6c__prw_series s = { labels, 1, 0, 1000, &h };
	k6c__buf b = K6C__BUF_INIT;

	ck_assert_int_eq(k6c__prw_encode(&b, &s, 1), 0);
	ck_assert_uint_eq(b.len, sizeof(one_histogram));
	ck_assert_mem_eq(b.ptr, one_histogram, sizeof(one_histogram));
	k6c__buf_free(&b);
}
END_TEST

/* Schema 3: bucket k holds (2^((k-1)/8), 2^(k/8)], as client_golang's. */
START_TEST(test_output_prw__bucket_keys)
{
	ck_assert_int_eq(k6c__prw_bucket_key(1.0), 0);
	ck_assert_int_eq(k6c__prw_bucket_key(0.99), 0);
	ck_assert_int_eq(k6c__prw_bucket_key(1.01), 1);
	ck_assert_int_eq(k6c__prw_bucket_key(1.09), 1);
	ck_assert_int_eq(k6c__prw_bucket_key(1.1), 2);
	ck_assert_int_eq(k6c__prw_bucket_key(2.0), 8);
	ck_assert_int_eq(k6c__prw_bucket_key(2.01), 9);
	ck_assert_int_eq(k6c__prw_bucket_key(0.5), -8);
	ck_assert_int_eq(k6c__prw_bucket_key(-0.5), -8);
	ck_assert_int_eq(k6c__prw_bucket_key(1.95), 8);
	/* 0.012 s: 2^(-52/8) = 0.01105 < 0.012 <= 2^(-51/8) = 0.01205. */
	ck_assert_int_eq(k6c__prw_bucket_key(0.012), -51);
	for (int k = -80; k <= 80; k++) {
		double upper = pow(2, k / 8.0);
		ck_assert_int_eq(k6c__prw_bucket_key(upper * 0.999), k);
		ck_assert_int_eq(k6c__prw_bucket_key(upper * 1.001), k + 1);
	}
}
END_TEST

START_TEST(test_output_prw__stale_nan)
{
	double d = k6c__prw_stale_nan();
	uint64_t bits;

	ck_assert(isnan(d));
	memcpy(&bits, &d, 8);
	ck_assert(bits == 0x7ff0000000000002ull);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output_prw");
	TCase *tc = tcase_create("output_prw");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_output_prw__encode_by_hand);
	tcase_add_test(tc, test_output_prw__long_lengths);
	tcase_add_test(tc, test_output_prw__histogram_by_hand);
	tcase_add_test(tc, test_output_prw__bucket_keys);
	tcase_add_test(tc, test_output_prw__snappy_round_trip);
	tcase_add_test(tc, test_output_prw__stale_nan);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
