/*
 * test_engine_options_http.c - k6's transport options through option
 * consolidation (options_http.c): every option from the script tier and
 * from its K6_* variable, the highest tier winning, and bad values refused
 * with a message naming the option and the value.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "engine/options.h"

static const char *last_message(void)
{
	const k6c_error *e = k6c_error_last();
	return e ? e->message : "";
}

static void ok_script(k6c__options *o, const char *script)
{
	int rc = k6c__options_consolidate(o, NULL, script, NULL, 0, NULL);

	ck_assert_msg(rc == 0, "%s: %d %s", script, rc, last_message());
}

static void ok_env(k6c__options *o, const char *script, const char *key, const char *value)
{
	const char *env[2] = { key, value };
	int rc = k6c__options_consolidate(o, NULL, script, env, 1, NULL);

	ck_assert_msg(rc == 0, "%s=%s: %d %s", key, value, rc, last_message());
}

static void bad_script(const char *script, const char *a, const char *b)
{
	k6c__options o;
	int rc = k6c__options_consolidate(&o, NULL, script, NULL, 0, NULL);

	ck_assert_msg(rc == K6C_ECONFIG, "%s: %d", script, rc);
	ck_assert_msg(strstr(last_message(), a) && (!b || strstr(last_message(), b)),
		"%s: message \"%s\" lacks \"%s\" / \"%s\"", script, last_message(), a, b ? b : "");
}

START_TEST(test_engine_options_http_defaults__nothing_set)
{
	k6c__options o;

	ok_script(&o, "{}");
	ck_assert(!o.transport.http.insecure_skip_tls_verify);
	ck_assert(!o.transport.http.no_connection_reuse && !o.transport.http.no_vu_connection_reuse);
	ck_assert_ptr_null(o.transport.http.tls_min);
	ck_assert_uint_eq(o.transport.http.nhosts + o.transport.http.ntls_auth +
		o.transport.http.ncipher_suites + o.transport.http.nlocal_ips, 0);
	ck_assert(!o.transport.http.dns_ttl_set);
	ck_assert_int_eq(o.transport.http_debug, K6C__HTTP_DEBUG_OFF);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_http_script__every_option)
{
	k6c__options o;

	ok_script(&o, "{\"insecureSkipTLSVerify\":true,\"noConnectionReuse\":true,\"noVUConnectionReuse\":true,"
		"\"tlsVersion\":{\"min\":\"tls1.1\",\"max\":\"tls1.2\"},"
		"\"tlsCipherSuites\":[\"TLS_AES_128_GCM_SHA256\",\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"],"
		"\"hosts\":{\"a.test\":\"10.0.0.1\",\"*.b.test:8080\":\"127.0.0.1:9090\",\"c.test\":\"::1\","
		"\"d.test\":\"[::1]:80\"},"
		"\"dns\":{\"ttl\":\"1m30s\",\"select\":\"random\",\"policy\":\"onlyIPv6\"},"
		"\"httpDebug\":\"full\",\"localIPs\":\"127.0.0.2-127.0.0.4,127.0.0.8/31\"}");
	ck_assert(o.transport.http.insecure_skip_tls_verify);
	ck_assert(o.transport.http.no_connection_reuse && o.transport.http.no_vu_connection_reuse);
	ck_assert_str_eq(o.transport.http.tls_min, "tls1.1");
	ck_assert_str_eq(o.transport.http.tls_max, "tls1.2");
	ck_assert_uint_eq(o.transport.http.ncipher_suites, 2);
	ck_assert_str_eq(o.transport.http.cipher_suites[1], "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	ck_assert_uint_eq(o.transport.http.nhosts, 4);
	ck_assert_str_eq(o.transport.http.hosts[0], "a.test=10.0.0.1");
	ck_assert_str_eq(o.transport.http.hosts[1], "*.b.test:8080=127.0.0.1:9090");
	ck_assert(o.transport.http.dns_ttl_set);
	ck_assert_int_eq(o.transport.http.dns_ttl_s, 90);
	ck_assert_int_eq(o.transport.http.ip_family, 6);
	ck_assert_int_eq(o.transport.http_debug, K6C__HTTP_DEBUG_FULL);
	ck_assert_uint_eq(o.transport.http.nlocal_ips, 5);
	ck_assert_str_eq(o.transport.http.local_ips[0], "127.0.0.2");
	ck_assert_str_eq(o.transport.http.local_ips[2], "127.0.0.4");
	ck_assert_str_eq(o.transport.http.local_ips[3], "127.0.0.8");
	ck_assert_str_eq(o.transport.http.local_ips[4], "127.0.0.9");
	/* Unmodelled here, they pass through into the options JSON. */
	ck_assert_ptr_nonnull(strstr(o.json, "\"localIPs\":\"127.0.0.2-127.0.0.4,127.0.0.8/31\""));
	k6c__options_free(&o);

	/* One tlsVersion string is both bounds; httpDebug's other strings
	 * mean headers, as k6's bare --http-debug. */
	ok_script(&o, "{\"tlsVersion\":\"tls1.3\",\"httpDebug\":\"headers\",\"dns\":{\"ttl\":\"inf\"}}");
	ck_assert_str_eq(o.transport.http.tls_min, "tls1.3");
	ck_assert_str_eq(o.transport.http.tls_max, "tls1.3");
	ck_assert_int_eq(o.transport.http_debug, K6C__HTTP_DEBUG_HEADERS);
	ck_assert_int_eq(o.transport.http.dns_ttl_s, -1);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_http_env__k6_variables)
{
	k6c__options o;

	ok_env(&o, NULL, "K6_INSECURE_SKIP_TLS_VERIFY", "true");
	ck_assert(o.transport.http.insecure_skip_tls_verify);
	k6c__options_free(&o);
	/* The environment wins over the script. */
	ok_env(&o, "{\"noConnectionReuse\":true}", "K6_NO_CONNECTION_REUSE", "false");
	ck_assert(!o.transport.http.no_connection_reuse);
	k6c__options_free(&o);
	ok_env(&o, NULL, "K6_TLS_CIPHER_SUITES", "TLS_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
	ck_assert_uint_eq(o.transport.http.ncipher_suites, 2);
	ck_assert_str_eq(o.transport.http.cipher_suites[0], "TLS_AES_256_GCM_SHA384");
	k6c__options_free(&o);
	ok_env(&o, NULL, "K6_HOSTS", "{\"x.test\":\"127.0.0.1:1234\"}");
	ck_assert_uint_eq(o.transport.http.nhosts, 1);
	ck_assert_str_eq(o.transport.http.hosts[0], "x.test=127.0.0.1:1234");
	k6c__options_free(&o);
	ok_env(&o, NULL, "K6_TLS_VERSION", "{\"min\":\"tls1.2\"}");
	ck_assert_str_eq(o.transport.http.tls_min, "tls1.2");
	ck_assert_ptr_null(o.transport.http.tls_max);
	k6c__options_free(&o);
	ok_env(&o, NULL, "K6_DNS", "ttl=0,select=first,policy=onlyIPv4");
	ck_assert(o.transport.http.dns_ttl_set);
	ck_assert_int_eq(o.transport.http.dns_ttl_s, 0);
	ck_assert_int_eq(o.transport.http.ip_family, 4);
	k6c__options_free(&o);
	ok_env(&o, NULL, "K6_HTTP_DEBUG", "full");
	ck_assert_int_eq(o.transport.http_debug, K6C__HTTP_DEBUG_FULL);
	k6c__options_free(&o);
	ok_env(&o, NULL, "K6_LOCAL_IPS", "127.0.0.5");
	ck_assert_uint_eq(o.transport.http.nlocal_ips, 1);
	k6c__options_free(&o);
	ok_env(&o, NULL, "K6_NO_VU_CONNECTION_REUSE", "1");
	ck_assert(o.transport.http.no_vu_connection_reuse);
	k6c__options_free(&o);
}
END_TEST

START_TEST(test_engine_options_http_bad__named_values)
{
	bad_script("{\"insecureSkipTLSVerify\":\"maybe\"}", "insecureSkipTLSVerify", "maybe");
	bad_script("{\"tlsVersion\":\"ssl3.0\"}", "tlsVersion", "ssl3.0");
	bad_script("{\"tlsVersion\":{\"min\":\"tls1.3\",\"max\":\"tls1.0\"}}", "tlsVersion", "min is above max");
	bad_script("{\"tlsVersion\":{\"max\":7}}", "tlsVersion.max", "7");
	bad_script("{\"tlsCipherSuites\":[\"TLS_RSA_WITH_NOTHING\"]}", "tlsCipherSuites", "TLS_RSA_WITH_NOTHING");
	bad_script("{\"tlsCipherSuites\":{}}", "tlsCipherSuites", NULL);
	bad_script("{\"tlsAuth\":[{\"cert\":\"x\"}]}", "tlsAuth[0].key", "required");
	bad_script("{\"tlsAuth\":[{\"cert\":\"x\",\"key\":\"y\"}]}", "tlsAuth[0]", "PEM data in certificate");
	bad_script("{\"tlsAuth\":{}}", "tlsAuth", NULL);
	bad_script("{\"hosts\":{\"a.test\":\"example.com\"}}", "hosts", "example.com");
	bad_script("{\"hosts\":{\"a.test\":\"10.0.0.1:99999\"}}", "hosts", "10.0.0.1:99999");
	bad_script("{\"hosts\":{\"a.test:x\":\"10.0.0.1\"}}", "hosts", "a.test:x");
	bad_script("{\"hosts\":[]}", "hosts", NULL);
	bad_script("{\"dns\":{\"ttl\":\"-1s\"}}", "dns.ttl", "-1s");
	bad_script("{\"dns\":{\"color\":\"red\"}}", "dns", "color");
	bad_script("{\"dns\":\"ttl\"}", "dns", "key=value");
	bad_script("{\"localIPs\":\"10.0.0.1-x\"}", "localIPs", "10.0.0.1-x");
	bad_script("{\"localIPs\":\"10.0.0.0/8\"}", "localIPs", "65536");
	bad_script("{\"localIPs\":\"fe80::1/64\"}", "localIPs", "IPv4");
	bad_script("{\"localIPs\":\"not-an-ip\"}", "localIPs", "not-an-ip");
}
END_TEST

static Suite *options_http_suite(void)
{
	Suite *s = suite_create("engine_options_http");
	TCase *tc = tcase_create("transport");

	tcase_add_test(tc, test_engine_options_http_defaults__nothing_set);
	tcase_add_test(tc, test_engine_options_http_script__every_option);
	tcase_add_test(tc, test_engine_options_http_env__k6_variables);
	tcase_add_test(tc, test_engine_options_http_bad__named_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(options_http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
