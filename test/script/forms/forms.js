// forms.js - Response.submitForm() and Response.clickLink() against httpbin:
// httpbin's /forms/post page (POST to /post, which echoes the form), a page
// of our own served by /base64 (GET form: fields in the query string,
// checkboxes and radios only when checked, select, textarea, a named submit
// button, fields overriding the page's values), /links/3/0 (clickLink to
// the next page, with a selector and params) and the errors for a missing
// form, link or submit button. Every expect() must pass.
import http from 'k6/http';
import { check } from 'k6';
import encoding from 'k6/encoding';

const BASE = __ENV.BASE_URL;

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function errorOf(fn) {
  try {
    fn();
  } catch (e) {
    return String(e.message || e);
  }
  return 'no error';
}

const PAGE = '<html><body>' +
  '<form id="other" action="/anything/other" method="post"><input name="x" value="1"></form>' +
  '<form id="f" action="/get?drop=me" method="get">' +
  '<input type="text" name="text" value="a b&c">' +
  '<input type="hidden" name="hidden" value="h">' +
  '<input type="checkbox" name="on" value="yes" checked>' +
  '<input type="checkbox" name="off" value="no">' +
  '<input type="radio" name="r" value="r1"><input type="radio" name="r" value="r2" checked>' +
  '<input name="nameless-disabled" value="d" disabled>' +
  '<select name="sel"><option value="s1">1</option><option value="s2" selected>2</option></select>' +
  '<textarea name="ta">line</textarea>' +
  '<input type="submit" name="go" value="Go!">' +
  '<button type="submit" name="alt" value="alt-value">Alt</button>' +
  '</form>' +
  '<a href="nowhere">a link without the class</a>' +
  '<a class="rel" href="../get?from=link">relative</a>' +
  '<a class="nohref">no href</a>' +
  '</body></html>';

export default function () {
  // httpbin's own form: method post, action /post.
  const page = http.get(`${BASE}/forms/post`);
  expect('forms page status', page.status, 200);
  let res = page.submitForm({ fields: { firstname: 'Ada', lastname: 'Love lace' } });
  expect('post status', res.status, 200);
  expect('post url', res.url, `${BASE}/post`);
  expect('post form echoed', res.json().form, { firstname: 'Ada', lastname: 'Love lace' });
  expect('post content type', res.json().headers['Content-Type'],
    'application/x-www-form-urlencoded');
  expect('post method', res.request.method, 'POST');

  // params reach the request.
  res = page.submitForm({ fields: { firstname: 'B' }, params: { headers: { 'X-Forms': 'yes' } } });
  expect('params header', res.json().headers['X-Forms'], 'yes');
  expect('unfilled field sent empty', res.json().form, { firstname: 'B', lastname: '' });

  // Our page: a GET form.
  const ours = http.get(`${BASE}/base64/${encoding.b64encode(PAGE, 'url')}`);
  expect('our page status', ours.status, 200);
  res = ours.submitForm({ formSelector: '#f' });
  expect('get status', res.status, 200);
  expect('get method', res.request.method, 'GET');
  // The default submitSelector, [type="submit"], takes the first button.
  expect('get args', res.json().args,
    { go: 'Go!', hidden: 'h', on: 'yes', r: 'r2', sel: 's2', ta: 'line', text: 'a b&c' });
  expect('get url (keys sorted, action query replaced)', res.url,
    `${BASE}/get?go=Go%21&hidden=h&on=yes&r=r2&sel=s2&ta=line&text=a+b%26c`);

  res = ours.submitForm({ formSelector: '#f', submitSelector: '[name="alt"]',
    fields: { text: 'over', extra: 'x y' } });
  expect('submit button and fields', res.json().args,
    { alt: 'alt-value', extra: 'x y', hidden: 'h', on: 'yes', r: 'r2', sel: 's2', ta: 'line', text: 'over' });
  res = ours.submitForm({ formSelector: '#f', submitSelector: 'input[type=submit]' });
  expect('input submit button', res.json().args.go, 'Go!');

  // The default form selector takes the first form.
  res = ours.submitForm({ fields: { y: '2' } });
  expect('first form', [res.request.method, res.url, res.json().form],
    ['POST', `${BASE}/anything/other`, { x: '1', y: '2' }]);

  // clickLink
  const links = http.get(`${BASE}/links/3/0`);
  res = links.clickLink();
  expect('clickLink status', res.status, 200);
  expect('clickLink url', res.url, `${BASE}/links/3/1`);
  res = res.clickLink({ selector: 'a:nth-of-type(2)' });
  expect('clickLink selector', res.url, `${BASE}/links/3/2`);
  res = ours.clickLink({ selector: 'a.rel', params: { headers: { 'X-Click': 'c' } } });
  expect('clickLink relative + params', [res.url, res.json().args, res.json().headers['X-Click']],
    [`${BASE}/get?from=link`, { from: 'link' }, 'c']);
  // The methods take their response from this, also apart from it.
  const click = links.clickLink;
  res = click.call(ours, { selector: 'a.rel' });
  expect('clickLink through call()', [typeof click, click.length, res.url],
    ['function', 1, `${BASE}/get?from=link`]);

  // Errors
  expect('no form', errorOf(() => links.submitForm()),
    `submitForm: no form found for selector 'form' in response '${BASE}/links/3/0'`);
  expect('no form for selector', errorOf(() => ours.submitForm({ formSelector: '#nope' })),
    `submitForm: no form found for selector '#nope' in response '${ours.url}'`);
  // As k6, a submitSelector matching nothing is no error: no button value.
  res = ours.submitForm({ formSelector: '#f', submitSelector: '#nope' });
  expect('no submit button', [res.json().args.go, res.json().args.alt], [undefined, undefined]);
  expect('bad fields', errorOf(() => page.submitForm({ fields: 'x' })),
    'submitForm: fields must be an object, not string');
  expect('no link', errorOf(() => page.clickLink()),
    `clickLink: no element found for selector 'a[href]' in response '${BASE}/forms/post'`);
  expect('no href', errorOf(() => ours.clickLink({ selector: 'a.nohref' })),
    `clickLink: no valid href attribute value found on element 'a.nohref' in response '${ours.url}'`);
  expect('not enumerable', Object.keys(page).indexOf('submitForm'), -1);
}
