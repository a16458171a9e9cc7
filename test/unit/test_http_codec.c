/*
 * test_http_codec.c - lib/http's content codings (codec.c) and TLS helpers
 * (tls.c): every coding compresses and decodes back, chains undo last
 * first, byte-at-a-time input, k6's names and messages, bad and truncated
 * data, a bare deflate stream and concatenated gzip members; Go's cipher
 * names to OpenSSL's, alert texts, OCSP responses that do not parse.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "http/codec.h"
#include "http/tls.h"

static const char *last_message(void)
{
	const k6c_error *e = k6c_error_last();
	return e ? e->message : "";
}

/* Some text that compresses well, n bytes of it. */
static void sample_text(k6c__buf *b, size_t n)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog 0123456789 ";

	k6c__buf_clear(b);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(k6c__buf_putc(b, words[(i * 7 + i / 13) % (sizeof(words) - 1)]), 0);
}

/* Decodes p[0..n) under Content-Encoding value enc, in chunks of step
 * bytes (0: at once), into out; returns what k6c__decoder_write/finish
 * said (0, -2). */
static int decode(const char *enc, const char *p, size_t n, size_t step, k6c__buf *out)
{
	k6c__decoder *d = NULL;
	int rc = k6c__decoder_reset(&d, enc, strlen(enc));

	ck_assert_int_eq(rc, 1);
	k6c__buf_clear(out);
	for (size_t off = 0; off < n;) {
		size_t k = step && step < n - off ? step : n - off;

		rc = k6c__decoder_write(d, p + off, k, out);
		if (rc != 0)
			goto out;
		off += k;
	}
	rc = k6c__decoder_finish(d);
out:
	if (rc != 0)
		fprintf(stderr, "decode(%s): %s\n", enc, k6c__decoder_error(d));
	k6c__decoder_free(d);
	return rc;
}

START_TEST(test_http_codec_roundtrip__every_coding_and_chain)
{
	static const char *const lists[] = {
		"gzip", "deflate", "br", "zstd", "gzip, br", "deflate,zstd", " br , gzip ", "zstd,deflate,br,gzip",
	};
	k6c__buf in = K6C__BUF_INIT, z = K6C__BUF_INIT, enc = K6C__BUF_INIT, out = K6C__BUF_INIT;

	sample_text(&in, 100000);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		ck_assert_int_eq(k6c__compress(lists[i], in.ptr, in.len, &z, &enc), 0);
		ck_assert_msg(z.len < in.len / 4, "%s: %zu bytes", lists[i], z.len);
		ck_assert_int_eq(decode(enc.ptr, z.ptr, z.len, 0, &out), 0);
		ck_assert_uint_eq(out.len, in.len);
		ck_assert(memcmp(out.ptr, in.ptr, in.len) == 0);
		/* A byte at a time (and odd chunks) gives the same. */
		ck_assert_int_eq(decode(enc.ptr, z.ptr, z.len, 1, &out), 0);
		ck_assert_uint_eq(out.len, in.len);
		ck_assert_int_eq(decode(enc.ptr, z.ptr, z.len, 777, &out), 0);
		ck_assert(memcmp(out.ptr, in.ptr, in.len) == 0);
	}
	/* The header value lists the codings as k6 writes them. */
	ck_assert_int_eq(k6c__compress(" br , gzip ", "x", 1, &z, &enc), 0);
	ck_assert_str_eq(enc.ptr, "br, gzip");
	/* An empty body compresses to a valid (empty) stream. */
	ck_assert_int_eq(k6c__compress("gzip", "", 0, &z, &enc), 0);
	ck_assert_int_eq(decode("gzip", z.ptr, z.len, 0, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	k6c__buf_free(&in);
	k6c__buf_free(&z);
	k6c__buf_free(&enc);
	k6c__buf_free(&out);
}
END_TEST

START_TEST(test_http_codec_names__k6s_list_and_messages)
{
	size_t n = 99;

	ck_assert_int_eq(k6c__coding_lookup("GZip", 4), K6C__CODING_GZIP);
	ck_assert_int_eq(k6c__coding_lookup(" x-gzip\r\n", 9), K6C__CODING_GZIP);
	ck_assert_int_eq(k6c__coding_lookup("br", 2), K6C__CODING_BR);
	ck_assert_int_eq(k6c__coding_lookup("zstd", 4), K6C__CODING_ZSTD);
	ck_assert_int_eq(k6c__coding_lookup("identity", 8), -1);
	ck_assert_int_eq(k6c__coding_lookup("  ", 2), K6C__CODING_NONE);
	ck_assert_int_eq(k6c__compress_check("", &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(k6c__compress_check(" gzip, zstd ", &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(k6c__compress_check("gzip, lzma", &n), K6C_EINVAL);
	ck_assert_str_eq(last_message(), "unknown compression algorithm lzma, supported algorithms are "
		"[gzip deflate zstd br]");
	/* x-gzip decodes but is not a name k6 compresses with; nor is "". */
	ck_assert_int_eq(k6c__compress_check("x-gzip", &n), K6C_EINVAL);
	ck_assert_int_eq(k6c__compress_check("gzip,,br", &n), K6C_EINVAL);
	ck_assert_str_eq(last_message(), "unknown compression algorithm , supported algorithms are "
		"[gzip deflate zstd br]");
}
END_TEST

START_TEST(test_http_codec_decode__unknown_skipped_bad_data_truncation)
{
	k6c__buf in = K6C__BUF_INIT, z = K6C__BUF_INIT, enc = K6C__BUF_INIT, out = K6C__BUF_INIT;
	k6c__decoder *d = NULL;

	/* Nothing k6 knows: nothing to decode. */
	ck_assert_int_eq(k6c__decoder_reset(&d, "identity", 8), 0);
	ck_assert_int_eq(k6c__decoder_reset(&d, "", 0), 0);
	k6c__decoder_free(d);
	/* Unknown codings are skipped, as k6 does. */
	sample_text(&in, 5000);
	ck_assert_int_eq(k6c__compress("gzip", in.ptr, in.len, &z, &enc), 0);
	ck_assert_int_eq(decode("gzip, compress", z.ptr, z.len, 0, &out), 0);
	ck_assert_uint_eq(out.len, in.len);
	/* Bad data names the coding. */
	d = NULL;
	ck_assert_int_eq(k6c__decoder_reset(&d, "gzip", 4), 1);
	ck_assert_int_eq(k6c__decoder_write(d, "not gzip at all", 15, &out), -2);
	ck_assert_str_eq(k6c__decoder_error(d), "gzip: invalid header");
	ck_assert_int_eq(k6c__decoder_reset(&d, "br", 2), 1);
	ck_assert_int_eq(k6c__decoder_write(d, "\xff\xff\xff\xff not brotli", 15, &out), -2);
	ck_assert_str_eq(k6c__decoder_error(d), "br: corrupted input");
	ck_assert_int_eq(k6c__decoder_reset(&d, "zstd", 4), 1);
	ck_assert_int_eq(k6c__decoder_write(d, "not zstd at all", 15, &out), -2);
	ck_assert(strncmp(k6c__decoder_error(d), "zstd: ", 6) == 0);
	k6c__decoder_free(d);
	/* Cut short: the stream never ends. */
	for (int c = K6C__CODING_GZIP; c <= K6C__CODING_BR; c++) {
		const char *name = c == K6C__CODING_GZIP ? "gzip" : c == K6C__CODING_DEFLATE ? "deflate" :
			c == K6C__CODING_ZSTD ? "zstd" : "br";

		ck_assert_int_eq(k6c__compress(name, in.ptr, in.len, &z, &enc), 0);
		ck_assert_int_eq(decode(name, z.ptr, z.len - 3, 0, &out), -2);
	}
	k6c__buf_free(&in);
	k6c__buf_free(&z);
	k6c__buf_free(&enc);
	k6c__buf_free(&out);
}
END_TEST

START_TEST(test_http_codec_decode__raw_deflate_and_gzip_members)
{
	k6c__buf in = K6C__BUF_INIT, z = K6C__BUF_INIT, enc = K6C__BUF_INIT, out = K6C__BUF_INIT;
	unsigned char raw[4096];
	z_stream s;

	sample_text(&in, 3000);
	/* "deflate" without its zlib wrapper, as curl accepts. */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = (Bytef *)in.ptr;
	s.avail_in = (uInt)in.len;
	s.next_out = raw;
	s.avail_out = sizeof(raw);
	ck_assert_int_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
	ck_assert_int_eq(decode("deflate", (const char *)raw, s.total_out, 0, &out), 0);
	ck_assert_uint_eq(out.len, in.len);
	deflateEnd(&s);
	/* Two gzip members are one body, as Go's reader reads them. */
	ck_assert_int_eq(k6c__compress("gzip", in.ptr, in.len, &z, &enc), 0);
	{
		k6c__buf two = K6C__BUF_INIT;

		ck_assert_int_eq(k6c__buf_put(&two, z.ptr, z.len), 0);
		ck_assert_int_eq(k6c__buf_put(&two, z.ptr, z.len), 0);
		ck_assert_int_eq(decode("gzip", two.ptr, two.len, 0, &out), 0);
		ck_assert_uint_eq(out.len, 2 * in.len);
		k6c__buf_free(&two);
	}
	k6c__buf_free(&in);
	k6c__buf_free(&z);
	k6c__buf_free(&enc);
	k6c__buf_free(&out);
}
END_TEST

START_TEST(test_http_tls_helpers__names_alerts_ocsp)
{
	k6c__http_ocsp o;
	bool t13 = true;

	ck_assert_str_eq(k6c__tls_cipher_openssl("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", &t13),
		"ECDHE-RSA-AES128-GCM-SHA256");
	ck_assert(!t13);
	ck_assert_str_eq(k6c__tls_cipher_openssl("TLS_CHACHA20_POLY1305_SHA256", &t13),
		"TLS_CHACHA20_POLY1305_SHA256");
	ck_assert(t13);
	ck_assert_str_eq(k6c__tls_cipher_openssl("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", NULL),
		"ECDHE-ECDSA-CHACHA20-POLY1305");
	ck_assert_ptr_null(k6c__tls_cipher_openssl("ECDHE-RSA-AES128-GCM-SHA256", NULL));
	ck_assert_ptr_null(k6c__tls_cipher_openssl("TLS_NULL_WITH_NULL_NULL", NULL));
	ck_assert_str_eq(k6c__tls_alert_name(40), "handshake failure");
	ck_assert_str_eq(k6c__tls_alert_name(70), "protocol version not supported");
	ck_assert_str_eq(k6c__tls_alert_name(116), "certificate required");
	ck_assert_ptr_null(k6c__tls_alert_name(200));
	/* Nothing stapled, or garbage: k6's "unknown" with zero times. */
	k6c__tls_ocsp_parse(NULL, 0, &o);
	ck_assert_str_eq(o.status, "unknown");
	ck_assert(o.produced_at == 0 && o.next_update == 0 && o.revocation_reason[0] == '\0');
	k6c__tls_ocsp_parse((const unsigned char *)"\x30\x03\x0a\x01\x01", 5, &o);
	ck_assert_str_eq(o.status, "unknown");
	k6c__tls_ocsp_parse((const unsigned char *)"garbage", 7, &o);
	ck_assert_str_eq(o.status, "unknown");
	/* tlsAuth checks (the real certificates are in the script tier). */
	ck_assert_int_eq(k6c__tls_auth_check("not pem", "-----BEGIN KEY-----", NULL), K6C_EINVAL);
	ck_assert_str_eq(last_message(), "tls: failed to find any PEM data in certificate input");
	ck_assert_int_eq(k6c__tls_auth_check("-----BEGIN CERTIFICATE-----\n", "", NULL), K6C_EINVAL);
	ck_assert_str_eq(last_message(), "tls: failed to find any PEM data in key input");
}
END_TEST

static Suite *codec_suite(void)
{
	Suite *s = suite_create("http_codec");
	TCase *tc = tcase_create("codec");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_http_codec_roundtrip__every_coding_and_chain);
	tcase_add_test(tc, test_http_codec_names__k6s_list_and_messages);
	tcase_add_test(tc, test_http_codec_decode__unknown_skipped_bad_data_truncation);
	tcase_add_test(tc, test_http_codec_decode__raw_deflate_and_gzip_members);
	tcase_add_test(tc, test_http_tls_helpers__names_alerts_ocsp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
