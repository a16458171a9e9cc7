// cookies.js - the cookie jar API and request cookies, with Go's
// cookiejar rules as k6 applies them: jar.set with its options (domain,
// path, secure, expires, max_age), cookiesForURL, delete, clear, a jar of
// the script's own as params.jar, params.cookies with plain values and
// {value, replace}, Set-Cookie attributes (response.cookies) and what the
// jar keeps of them, and response.request.cookies.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;
const HOST = BASE.split('/')[2].split(':')[0];   // 127.0.0.1

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function throws(name, fn, needle) {
  let msg = null;
  try {
    fn();
  } catch (e) {
    msg = String(e);
  }
  const ok = msg !== null && msg.indexOf(needle) >= 0;
  if (!ok) {
    console.error(`${name}: threw ${msg}, want an error with "${needle}"`);
  }
  check(msg, { [name]: () => ok });
}

// What the server received, as {name: value}.
function sent(params) {
  return http.get(`${BASE}/cookies`, params).json('cookies');
}

function setCookie(spec, params) {
  return http.get(`${BASE}/response-headers?Set-Cookie=${encodeURIComponent(spec)}`, params);
}

export default function () {
  const jar = http.cookieJar();
  expect('cookieJar is a CookieJar', jar instanceof http.CookieJar, true);

  // jar.set and what requests send.
  expect('set returns true', jar.set(BASE, 'plain', 'p1'), true);
  jar.set(`${BASE}/cookies`, 'scoped', 's1', { path: '/cookies' });
  jar.set(`${BASE}/`, 'elsewhere', 'e1', { path: '/other' });
  jar.set(`${BASE}/`, 'secure', 'x', { secure: true });
  jar.set(`${BASE}/`, 'gone', 'x', { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' });
  jar.set(`${BASE}/`, 'future', 'f1', { expires: 'Fri, 01 Jan 2100 00:00:00 GMT', http_only: true });
  jar.set(`${BASE}/`, 'aged', 'a1', { max_age: 3600 });
  jar.set(`${BASE}/`, 'wrongdomain', 'x', { domain: 'example.com' });
  jar.set(`${BASE}/`, 'ipdomain', 'i1', { domain: HOST });
  expect('sent: path, secure, expiry and domain rules', sent(),
    { aged: 'a1', future: 'f1', ipdomain: 'i1', plain: 'p1', scoped: 's1' });
  expect('cookiesForURL: longest path first, then oldest', jar.cookiesForURL(`${BASE}/cookies`),
    { scoped: ['s1'], plain: ['p1'], future: ['f1'], aged: ['a1'], ipdomain: ['i1'] });
  expect('cookiesForURL elsewhere', Object.keys(jar.cookiesForURL(`${BASE}/other/x`)).sort(),
    ['aged', 'elsewhere', 'future', 'ipdomain', 'plain']);
  throws('set: a bad expires date', () => jar.set(BASE, 'a', 'b', { expires: 'tomorrow' }),
    'unable to parse "expires"');

  // delete removes the cookie of the URL's host and default path.
  jar.delete(`${BASE}/x`, 'plain');
  expect('delete', jar.cookiesForURL(BASE).plain, undefined);
  jar.delete(`${BASE}/x`, 'scoped');
  expect('delete leaves a cookie of another path', jar.cookiesForURL(`${BASE}/cookies`).scoped, ['s1']);
  throws('delete without a name', () => jar.delete(BASE), 'cookie: is null');
  // clear removes what the URL would get (with its default path).
  jar.clear(`${BASE}/`);
  expect('clear', jar.cookiesForURL(`${BASE}/cookies`), { scoped: ['s1'] });
  jar.clear(`${BASE}/cookies/`);
  expect('clear with the cookie\'s path', jar.cookiesForURL(`${BASE}/cookies`), {});

  // params.cookies: plain values and {value, replace}, merged with the jar.
  jar.set(BASE, 'shared', 'fromjar');
  jar.set(BASE, 'kept', 'k1');
  let r = http.get(`${BASE}/cookies`, { cookies: { shared: { value: 'fromparams', replace: true }, extra: 'e' } });
  expect('replace overrides the jar', r.json('cookies'), { extra: 'e', kept: 'k1', shared: 'fromparams' });
  expect('request.cookies echo', r.request.cookies.shared, [{ name: 'shared', value: 'fromparams', replace: false }]);
  expect('request Cookie header', r.request.headers.Cookie, ['shared=fromparams; extra=e; kept=k1']);
  r = http.get(`${BASE}/headers`, { cookies: { shared: 'p' } });
  expect('without replace both are sent', r.json('headers.Cookie'), 'shared=p; shared=fromjar; kept=k1');
  r = http.get(`${BASE}/headers`, { cookies: { n: 42, sp: 'a b' } });
  expect('values as strings, a space quoted', r.json('headers.Cookie'), 'n=42; sp="a b"; shared=fromjar; kept=k1');
  r = http.get(`${BASE}/headers`, { headers: { Cookie: 'mine=1' } });
  expect('a Cookie header of the script comes first', r.json('headers.Cookie'), 'mine=1; shared=fromjar; kept=k1');
  expect('params.cookies does not go into the jar', jar.cookiesForURL(BASE).extra, undefined);

  // A jar of the script's own instead of the VU's.
  const own = new http.CookieJar();
  own.set(BASE, 'ownjar', 'o');
  expect('params.jar', sent({ jar: own }), { ownjar: 'o' });
  expect('params.jar null: the VU jar', sent({ jar: null }), { kept: 'k1', shared: 'fromjar' });
  r = http.get(`${BASE}/cookies/set?fromserver=1`, { jar: own });
  expect('redirect hops use params.jar', r.json('cookies'), { fromserver: '1', ownjar: 'o' });
  expect('the VU jar is untouched', jar.cookiesForURL(BASE).fromserver, undefined);

  // Set-Cookie attributes: response.cookies and the jar.
  r = setCookie('attrs=v1; Path=/; Max-Age=100; HttpOnly; Secure; Domain=' + HOST);
  const c = r.cookies.attrs[0];
  expect('response.cookies', [c.name, c.value, c.domain, c.path, c.http_only, c.secure, c.max_age],
    ['attrs', 'v1', HOST, '/', true, true, 100]);
  expect('a Secure cookie is not sent over http', jar.cookiesForURL(BASE).attrs, undefined);
  r = setCookie('exp=v2; Expires=Wed, 21 Oct 2099 07:28:00 GMT');
  expect('response.cookies expires in ms', r.cookies.exp[0].expires, Date.UTC(2099, 9, 21, 7, 28, 0));
  expect('Expires kept', jar.cookiesForURL(BASE).exp, ['v2']);
  setCookie('exp=v3; Max-Age=0');
  expect('Max-Age=0 deletes', jar.cookiesForURL(BASE).exp, undefined);
  setCookie('foreign=1; Domain=example.com');
  expect('a foreign domain is refused', jar.cookiesForURL(BASE).foreign, undefined);
  setCookie('deep=1; Path=/response-headers/x');
  expect('Path limits where it goes', [jar.cookiesForURL(BASE).deep,
    jar.cookiesForURL(`${BASE}/response-headers/x/y`).deep], [undefined, ['1']]);
  r = setCookie('nomaxage=1');
  expect('no Expires: Go\'s zero time', r.cookies.nomaxage[0].expires, -6795364578871);
}
