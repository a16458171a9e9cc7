/*
 * mod_crypto.c - the `k6/crypto` module on OpenSSL's libcrypto: one-shot
 * digests (md4 ... ripemd160), hmac, createHash/createHMAC objects with
 * update and digest, randomBytes and hexEncode.
 *
 * OpenSSL 3 keeps MD4 (and, before 3.0.7, RIPEMD160) in its "legacy"
 * provider. Loading that into the process's default library context would
 * change OpenSSL for the whole host program (curl included), so the test
 * gets a library context of its own (OSSL_LIB_CTX) with the default and
 * legacy providers, created on the first import of k6/crypto and shared
 * read-only by every VU: fetched EVP_MD and EVP_MAC objects are safe to
 * use from several threads. An algorithm OpenSSL cannot provide throws a
 * clear error when used; the module still imports.
 */
#include "engine/vm.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "util/base64.h"

enum { ALG_MD4, ALG_MD5, ALG_SHA1, ALG_SHA256, ALG_SHA384, ALG_SHA512, ALG_SHA512_224,
	ALG_SHA512_256, ALG_RIPEMD160, NALG };

static const struct {
	const char *js;      /* k6's name */
	const char *ossl;    /* OpenSSL's */
} algs[NALG] = {
	{ "md4", "MD4" },
	{ "md5", "MD5" },
	{ "sha1", "SHA1" },
	{ "sha256", "SHA256" },
	{ "sha384", "SHA384" },
	{ "sha512", "SHA512" },
	{ "sha512_224", "SHA512-224" },
	{ "sha512_256", "SHA512-256" },
	{ "ripemd160", "RIPEMD160" },
};

struct k6c__crypto {
	OSSL_LIB_CTX *lib;
	OSSL_PROVIDER *base, *legacy;
	EVP_MD *md[NALG];            /* NULL: OpenSSL does not provide it */
	EVP_MAC *hmac;
	char why[320];               /* why the legacy provider is missing ("" if loaded) */
};

void k6c__mod_crypto_free(k6c__program *p)
{
	struct k6c__crypto *c = p->crypto;

	if (c == NULL)
		return;
	for (int i = 0; i < NALG; i++)
		EVP_MD_free(c->md[i]);
	EVP_MAC_free(c->hmac);
	if (c->legacy != NULL)
		OSSL_PROVIDER_unload(c->legacy);
	if (c->base != NULL)
		OSSL_PROVIDER_unload(c->base);
	OSSL_LIB_CTX_free(c->lib);
	k6c__free(c);
	p->crypto = NULL;
}

/* The first error of this thread's OpenSSL queue as "reason: details"
 * ("" if none); empties the queue, which curl on the same thread must not
 * find filled. The first error is the cause (a provider that cannot load
 * reports the file it looked for there); the later ones only add context. */
static void take_error(char *buf, size_t len)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
	bool has_data = (flags & ERR_TXT_STRING) != 0 && data != NULL && data[0] != '\0';

	buf[0] = '\0';
	if (e != 0)
		snprintf(buf, len, "%s%s%s", reason != NULL ? reason : "unknown OpenSSL error",
			has_data ? ": " : "", has_data ? data : "");
	ERR_clear_error();
}

/* The library context, its providers and every algorithm that loads.
 * NULL only when out of memory. */
static struct k6c__crypto *crypto_new(void)
{
	struct k6c__crypto *c = k6c__calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->lib = OSSL_LIB_CTX_new();
	if (c->lib != NULL) {
		c->base = OSSL_PROVIDER_load(c->lib, "default");
		c->legacy = OSSL_PROVIDER_load(c->lib, "legacy");
	}
	if (c->legacy == NULL) {
		char reason[256];

		take_error(reason, sizeof(reason));
		snprintf(c->why, sizeof(c->why), "OpenSSL's legacy provider could not be loaded%s%s",
			reason[0] != '\0' ? ": " : "", reason);
	}
	if (c->base != NULL) {
		for (int i = 0; i < NALG; i++)
			c->md[i] = EVP_MD_fetch(c->lib, algs[i].ossl, NULL);
		c->hmac = EVP_MAC_fetch(c->lib, "HMAC", NULL);
	}
	/* Failed fetches leave entries in this thread's OpenSSL error queue;
	 * curl on the same thread must not see them. */
	ERR_clear_error();
	return c;
}

/* The test's crypto state, created on first use (the module's import). */
static const struct k6c__crypto *crypto_get(duk_context *ctx)
{
	k6c__program *p = k6c__vm_get(ctx)->prog;
	struct k6c__crypto *c;

	pthread_mutex_lock(&p->lock);
	if (p->crypto == NULL)
		p->crypto = crypto_new();
	c = p->crypto;
	pthread_mutex_unlock(&p->lock);
	if (c == NULL)
		(void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
	return c;
}

/* The state, for the module's functions: importing the module created it
 * (on this VU's thread, under the program's lock) and it does not change
 * until the program is freed, so no lock is needed to read it. */
static const struct k6c__crypto *crypto_of(duk_context *ctx)
{
	const struct k6c__crypto *c = k6c__vm_get(ctx)->prog->crypto;

	return c != NULL ? c : crypto_get(ctx);
}

/* The algorithm index of the name at idx; throws k6's error otherwise. */
static int alg_arg(duk_context *ctx, duk_idx_t idx)
{
	const char *name = duk_is_string(ctx, idx) ? duk_get_string(ctx, idx) :
		duk_safe_to_string(ctx, idx);

	for (int i = 0; i < NALG; i++)
		if (strcmp(algs[i].js, name) == 0)
			return i;
	(void)duk_error(ctx, DUK_ERR_ERROR, "invalid algorithm: %s", name);
	return -1;
}

/* The digest of alg; throws when OpenSSL cannot provide it. */
static const EVP_MD *md_of(duk_context *ctx, const struct k6c__crypto *c, int alg)
{
	if (c->md[alg] == NULL)
		(void)duk_error(ctx, DUK_ERR_ERROR, "%s is not available: %s", algs[alg].js,
			c->legacy == NULL ? c->why : "OpenSSL does not provide it");
	return c->md[alg];
}

enum out_enc { OUT_HEX, OUT_BASE64, OUT_BASE64URL, OUT_BASE64RAWURL, OUT_BINARY };

/* The output encoding at idx; throws k6's error for anything else. */
static enum out_enc out_arg(duk_context *ctx, duk_idx_t idx)
{
	static const char *const names[] = { "hex", "base64", "base64url", "base64rawurl",
		"binary" };
	const char *s = duk_is_string(ctx, idx) ? duk_get_string(ctx, idx) :
		duk_safe_to_string(ctx, idx);

	for (size_t i = 0; i < K6C__ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum out_enc)i;
	(void)duk_error(ctx, DUK_ERR_ERROR, "invalid output encoding: %s", s);
	return OUT_HEX;
}

static void push_hex(duk_context *ctx, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *o = duk_push_fixed_buffer(ctx, n * 2);

	for (size_t i = 0; i < n; i++) {
		o[2 * i] = digits[p[i] >> 4];
		o[2 * i + 1] = digits[p[i] & 15];
	}
	duk_buffer_to_string(ctx, -1);
}

/* [ ... ] -> [ ... result ]: a digest in the output encoding. */
static void push_digest(duk_context *ctx, enum out_enc enc, const unsigned char *md, size_t n)
{
	static const k6c__b64 variants[] = { K6C__B64_STD, K6C__B64_STD, K6C__B64_URL,
		K6C__B64_RAWURL };
	char b64[(EVP_MAX_MD_SIZE + 2) / 3 * 4];

	switch (enc) {
	case OUT_HEX:
		push_hex(ctx, md, n);
		break;
	case OUT_BINARY:
		k6c__enc_push_arraybuffer(ctx, md, n);
		break;
	default:
		k6c__b64_encode_raw(b64, md, n, variants[enc]);
		duk_push_lstring(ctx, b64, k6c__b64_encoded_len(n, variants[enc]));
		break;
	}
}

/* One-shot digest of data; false on an OpenSSL failure. */
static bool digest_once(const EVP_MD *md, const void *data, size_t len, unsigned char *out,
	unsigned int *n)
{
	return EVP_Digest(data, len, out, n, md, NULL) == 1;
}

/* A MAC context for HMAC-alg keyed with key[0..klen), or NULL. */
static EVP_MAC_CTX *hmac_new(const struct k6c__crypto *c, int alg, const void *key, size_t klen)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *m;

	if (c->hmac == NULL)
		return NULL;
	m = EVP_MAC_CTX_new(c->hmac);
	if (m == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		(char *)algs[alg].ossl, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* HMAC pads a short key with zero bytes to the block size, so an empty
	 * key is the same key as one zero byte; OpenSSL's EVP_MAC_init reads
	 * a zero length as "no key". */
	if (klen == 0) {
		key = "";
		klen = 1;
	}
	if (EVP_MAC_init(m, key, klen, params) != 1) {
		EVP_MAC_CTX_free(m);
		return NULL;
	}
	return m;
}

static duk_ret_t openssl_error(duk_context *ctx, const char *what)
{
	char reason[256];

	take_error(reason, sizeof(reason));
	return duk_error(ctx, DUK_ERR_ERROR, "%s failed%s%s", what, reason[0] != '\0' ? ": " : "",
		reason);
}

/* md4(input, outputEncoding) ... ripemd160(...): magic is the algorithm. */
static duk_ret_t js_hash(duk_context *ctx)
{
	const struct k6c__crypto *c = crypto_of(ctx);
	int alg = duk_get_current_magic(ctx);
	const EVP_MD *md = md_of(ctx, c, alg);
	enum out_enc enc = out_arg(ctx, 1);
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t len;
	const void *in = k6c__enc_bytes(ctx, 0, algs[alg].js, "input", &len);

	if (!digest_once(md, in, len, out, &n))
		return openssl_error(ctx, algs[alg].js);
	push_digest(ctx, enc, out, n);
	return 1;
}

/* hmac(algorithm, secret, data, outputEncoding) */
static duk_ret_t js_hmac(duk_context *ctx)
{
	const struct k6c__crypto *c = crypto_of(ctx);
	int alg = alg_arg(ctx, 0);
	enum out_enc enc;
	unsigned char out[EVP_MAX_MD_SIZE];
	size_t klen, dlen, n = 0;
	const void *key, *data;
	EVP_MAC_CTX *m;
	bool ok;

	(void)md_of(ctx, c, alg);
	enc = out_arg(ctx, 3);
	key = k6c__enc_bytes(ctx, 1, "hmac", "secret", &klen);
	data = k6c__enc_bytes(ctx, 2, "hmac", "data", &dlen);
	/* Nothing below throws until the context is freed. */
	m = hmac_new(c, alg, key, klen);
	if (m == NULL)
		return openssl_error(ctx, "hmac");
	ok = EVP_MAC_update(m, data, dlen) == 1 && EVP_MAC_final(m, out, &n, sizeof(out)) == 1;
	EVP_MAC_CTX_free(m);
	if (!ok)
		return openssl_error(ctx, "hmac");
	push_digest(ctx, enc, out, n);
	return 1;
}

/* ---- createHash / createHMAC ---------------------------------------------- */

/* A Hasher keeps its OpenSSL context as a hidden pointer; the object's
 * finalizer frees it (Duktape also runs finalizers when a heap is
 * destroyed, so none outlives its VU). */
#define CTX_KEY DUK_HIDDEN_SYMBOL("k6cHashCtx")
#define KIND_KEY DUK_HIDDEN_SYMBOL("k6cHashKind")   /* 0 digest, 1 HMAC */
#define ALG_KEY DUK_HIDDEN_SYMBOL("k6cHashAlg")

static void *hasher_ctx(duk_context *ctx, duk_idx_t obj, int *kind, int *alg)
{
	void *p;

	obj = duk_require_normalize_index(ctx, obj);
	duk_get_prop_string(ctx, obj, CTX_KEY);
	p = duk_get_pointer(ctx, -1);
	duk_get_prop_string(ctx, obj, KIND_KEY);
	*kind = duk_get_int(ctx, -1);
	duk_get_prop_string(ctx, obj, ALG_KEY);
	*alg = duk_get_int(ctx, -1);
	duk_pop_3(ctx);
	return p;
}

static duk_ret_t hasher_finalize(duk_context *ctx)
{
	int kind, alg;
	void *p = hasher_ctx(ctx, 0, &kind, &alg);

	if (p == NULL)
		return 0;
	if (kind == 1)
		EVP_MAC_CTX_free(p);
	else
		EVP_MD_CTX_free(p);
	duk_push_pointer(ctx, NULL);
	duk_put_prop_string(ctx, 0, CTX_KEY);
	return 0;
}

/* The `this` Hasher's context; throws if `this` is none. */
static void *this_hasher(duk_context *ctx, int *kind, int *alg)
{
	void *p;

	duk_push_this(ctx);
	p = duk_is_object(ctx, -1) ? hasher_ctx(ctx, -1, kind, alg) : NULL;
	duk_pop(ctx);
	if (p == NULL)
		(void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "update() and digest() must be called on "
			"an object made by createHash() or createHMAC()");
	return p;
}

/* hasher.update(data) */
static duk_ret_t js_update(duk_context *ctx)
{
	int kind, alg;
	void *p = this_hasher(ctx, &kind, &alg);
	size_t len;
	const void *in = k6c__enc_bytes(ctx, 0, "update", "data", &len);
	int ok;

	ok = kind == 1 ? EVP_MAC_update(p, in, len) : EVP_DigestUpdate(p, in, len);
	if (ok != 1)
		return openssl_error(ctx, "update");
	return 0;
}

/* hasher.digest(outputEncoding): the digest of everything so far; the
 * hasher goes on accepting data, as k6's (Go's Sum does not reset). */
static duk_ret_t js_digest(duk_context *ctx)
{
	int kind, alg;
	void *p = this_hasher(ctx, &kind, &alg);
	enum out_enc enc = out_arg(ctx, 0);
	unsigned char out[EVP_MAX_MD_SIZE];
	size_t n = 0;
	bool ok = false;

	if (kind == 1) {
		EVP_MAC_CTX *copy = EVP_MAC_CTX_dup(p);

		ok = copy != NULL && EVP_MAC_final(copy, out, &n, sizeof(out)) == 1;
		EVP_MAC_CTX_free(copy);
	} else {
		EVP_MD_CTX *copy = EVP_MD_CTX_new();
		unsigned int un = 0;

		ok = copy != NULL && EVP_MD_CTX_copy_ex(copy, p) == 1 &&
			EVP_DigestFinal_ex(copy, out, &un) == 1;
		n = un;
		EVP_MD_CTX_free(copy);
	}
	if (!ok)
		return openssl_error(ctx, "digest");
	push_digest(ctx, enc, out, n);
	return 1;
}

/* [ ... ] -> [ ... hasher ] with a NULL context slot already in place, so
 * storing the context later allocates nothing and cannot throw. */
static duk_idx_t push_hasher(duk_context *ctx, int kind, int alg)
{
	static const k6c__vm_fn fns[] = {
		{ "update", js_update, 1, 0 },
		{ "digest", js_digest, 1, 0 },
		{ NULL, NULL, 0, 0 },
	};
	duk_idx_t obj = duk_push_object(ctx);

	k6c__vm_put_functions(ctx, obj, fns);
	duk_push_int(ctx, kind);
	duk_put_prop_string(ctx, obj, KIND_KEY);
	duk_push_int(ctx, alg);
	duk_put_prop_string(ctx, obj, ALG_KEY);
	duk_push_pointer(ctx, NULL);
	duk_put_prop_string(ctx, obj, CTX_KEY);
	duk_push_c_lightfunc(ctx, hasher_finalize, 2, 2, 0);
	duk_set_finalizer(ctx, obj);
	duk_require_stack(ctx, 2);
	return obj;
}

static void set_hasher_ctx(duk_context *ctx, duk_idx_t obj, void *p)
{
	duk_push_pointer(ctx, p);
	duk_put_prop_string(ctx, obj, CTX_KEY);
}

/* createHash(algorithm) */
static duk_ret_t js_create_hash(duk_context *ctx)
{
	const struct k6c__crypto *c = crypto_of(ctx);
	int alg = alg_arg(ctx, 0);
	const EVP_MD *md = md_of(ctx, c, alg);
	duk_idx_t obj = push_hasher(ctx, 0, alg);
	EVP_MD_CTX *p = EVP_MD_CTX_new();

	if (p == NULL || EVP_DigestInit_ex2(p, md, NULL) != 1) {
		EVP_MD_CTX_free(p);
		return openssl_error(ctx, "createHash");
	}
	set_hasher_ctx(ctx, obj, p);
	return 1;
}

/* createHMAC(algorithm, secret) */
static duk_ret_t js_create_hmac(duk_context *ctx)
{
	const struct k6c__crypto *c = crypto_of(ctx);
	int alg = alg_arg(ctx, 0);
	size_t klen;
	const void *key;
	duk_idx_t obj;
	EVP_MAC_CTX *m;

	(void)md_of(ctx, c, alg);
	key = k6c__enc_bytes(ctx, 1, "createHMAC", "secret", &klen);
	obj = push_hasher(ctx, 1, alg);
	m = hmac_new(c, alg, key, klen);
	if (m == NULL)
		return openssl_error(ctx, "createHMAC");
	set_hasher_ctx(ctx, obj, m);
	return 1;
}

/* ---- randomBytes / hexEncode ------------------------------------------------- */

/* randomBytes(size) -> ArrayBuffer of size random bytes */
static duk_ret_t js_random_bytes(duk_context *ctx)
{
	const struct k6c__crypto *c = crypto_of(ctx);
	double size = duk_to_number(ctx, 0);
	void *b;

	if (!(size >= 1))
		return duk_error(ctx, DUK_ERR_ERROR, "invalid size");
	if (size > 0x7fffffff)
		return duk_error(ctx, DUK_ERR_RANGE_ERROR, "randomBytes: size %.0f is too large", size);
	b = duk_push_fixed_buffer(ctx, (duk_size_t)size);
	if (RAND_bytes_ex(c->lib, b, (size_t)size, 0) != 1)
		return openssl_error(ctx, "randomBytes");
	duk_push_buffer_object(ctx, -1, 0, (duk_size_t)size, DUK_BUFOBJ_ARRAYBUFFER);
	return 1;
}

/* hexEncode(data) -> lowercase hex string */
static duk_ret_t js_hex_encode(duk_context *ctx)
{
	size_t len;
	const void *in = k6c__enc_bytes(ctx, 0, "hexEncode", "data", &len);

	push_hex(ctx, in, len);
	return 1;
}

void k6c__mod_crypto_push(duk_context *ctx)
{
	static const k6c__vm_fn fns[] = {
		{ "md4", js_hash, 2, ALG_MD4 },
		{ "md5", js_hash, 2, ALG_MD5 },
		{ "sha1", js_hash, 2, ALG_SHA1 },
		{ "sha256", js_hash, 2, ALG_SHA256 },
		{ "sha384", js_hash, 2, ALG_SHA384 },
		{ "sha512", js_hash, 2, ALG_SHA512 },
		{ "sha512_224", js_hash, 2, ALG_SHA512_224 },
		{ "sha512_256", js_hash, 2, ALG_SHA512_256 },
		{ "ripemd160", js_hash, 2, ALG_RIPEMD160 },
		{ "hmac", js_hmac, 4, 0 },
		{ "createHash", js_create_hash, 1, 0 },
		{ "createHMAC", js_create_hmac, 2, 0 },
		{ "randomBytes", js_random_bytes, 1, 0 },
		{ "hexEncode", js_hex_encode, 1, 0 },
		{ NULL, NULL, 0, 0 },
	};

	(void)crypto_get(ctx);
	duk_push_object(ctx);
	k6c__vm_put_functions(ctx, -1, fns);
}
