// auth.js - params.auth and credentials in the URL: Basic (sent for
// any URL with credentials, as Go's client does), digest (a 401 hop, then
// the authenticated retry: two samples, as k6's digest transport makes;
// MD5, SHA-256, auth-int) and NTLM (curl's; httpbin only echoes its first
// message). Tags never show the credentials. URL grouping with http.url.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;
const HOSTPORT = BASE.split('/')[2];
const CRED = `http://user:passwd@${HOSTPORT}`;
const MASKED = `http://****:****@${HOSTPORT}`;

export const options = {
  thresholds: {
    [`http_reqs{url:${MASKED}/basic-auth/user/passwd}`]: ['count==3'],
    // The good and the wrong password, 2 hops each.
    [`http_reqs{url:${BASE}/digest-auth/auth/user/passwd}`]: ['count==4'],
    // Basic's wrong password, each digest's first hop, the wrong digest's retry.
    'http_reqs{status:401}': ['count==6'],
    // Every placeholder is ${}, the base URL's too, as in k6.
    'http_reqs{name:${}/anything/${}/item/${}}': ['count==3'],
    'http_reqs{name:by-tag}': ['count==1'],
  },
};

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

export default function () {
  // Basic: 3 requests (2 OK, 1 with a wrong password: 401).
  let r = http.get(`${CRED}/basic-auth/user/passwd`, { auth: 'basic' });
  expect('basic', [r.status, r.json('authenticated')], [200, true]);
  expect('response.url keeps the credentials, as k6', r.url, `${CRED}/basic-auth/user/passwd`);
  r = http.get(`${CRED}/basic-auth/user/passwd`);
  expect('credentials in the URL are Basic without params.auth', r.status, 200);
  r = http.get(`http://user:wrong@${HOSTPORT}/basic-auth/user/passwd`, { auth: 'basic' });
  expect('basic with a wrong password', r.status, 401);

  // Digest: 2 hops each; the wrong password gets 401 twice.
  r = http.get(`${CRED}/digest-auth/auth/user/passwd`, { auth: 'digest' });
  expect('digest', [r.status, r.json('authenticated'), r.json('user')], [200, true, 'user']);
  expect('digest: response.url without credentials', r.url, `${BASE}/digest-auth/auth/user/passwd`);
  r = http.get(`${CRED}/digest-auth/auth/user/passwd/SHA-256`, { auth: 'digest' });
  expect('digest SHA-256', r.status, 200);
  r = http.get(`${CRED}/digest-auth/auth-int/user/passwd/SHA-512`, { auth: 'digest' });
  expect('digest auth-int, SHA-512', r.status, 200);
  r = http.get(`http://user:wrong@${HOSTPORT}/digest-auth/auth/user/passwd`, { auth: 'digest' });
  expect('digest with a wrong password', r.status, 401);

  // NTLM is curl's: its first message goes out with the request.
  r = http.get(`${CRED}/headers`, { auth: 'ntlm' });
  expect('ntlm negotiate sent', [r.status, String(r.json('headers.Authorization')).slice(0, 5)], [200, 'NTLM ']);

  // URL grouping: the template's name on every request made from it.
  for (const id of [1, 2, 3]) {
    r = http.get(http.url`${BASE}/anything/${id}/item/${id * 10}`);
    expect('http.url request', r.json('url'), `${BASE}/anything/${id}/item/${id * 10}`);
  }
  const u = http.url`${BASE}/anything/${'x'}`;
  expect('http.url object', [u.url, u.name, String(u)], [`${BASE}/anything/x`, '${}/anything/${}', `${BASE}/anything/x`]);
  const fixed = http.url`http://example.com/a/${1}`;
  expect('http.url with a fixed base', fixed.name, 'http://example.com/a/${}');
  r = http.get(u, { tags: { name: 'by-tag' } });
  expect('tags.name wins over the template', r.status, 200);
}
