// html.js - k6/html and Response.html(): a fixed document queried with every
// selector form (each expected to give certain texts, in document order),
// the Selection and Element APIs with the values k6 documents for them,
// form serialisation, data attributes, errors for bad selectors and
// arguments, and httpbin's /html and /links pages through response.html(),
// whose links resolve against the response URL. Every check goes through
// expect(name, got, want), so the runner can require each one to pass.
import http from 'k6/http';
import { check } from 'k6';
import { parseHTML } from 'k6/html';

const BASE = __ENV.BASE_URL;

function expect(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) {
    console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  check(got, { [name]: () => ok });
}

function throws(fn) {
  try {
    fn();
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
  return 'no error';
}

const SRC = `<!DOCTYPE html>
<html lang="en">
<head><title>This is the title</title></head>
<body>
<h1 id="top" class="title main" data-test="dataval" data-num-a="123" data-num-b="1.5" data-not-num-a="1.50" data-not-num-b="1.1e02" data-test-id="tid">Lorem ipsum</h1>
<ul id="list">
  <li class="item first" data-n="1">one</li>
  <li class="item" data-n="2" lang="en-US">two</li>
  <li class="item special" data-n="3" title="x y z">three</li>
  <li class="item" data-n="4"><a href="/four?a=1#frag" rel="prev next">four</a></li>
  <li class="item last" data-n="5" lang="fr">five</li>
</ul>
<p data-test-b="true" data-opts='{"id":101}' data-test-empty="">Para <b>one</b> &amp; more</p>
<p>Para two</p>
<form id="form1" action="/submit" method="POST">
  <input id="text_input" name="text_input" type="text" value="input-text-value"/>
  <input type="checkbox" name="cb" value="yes" checked>
  <input type="checkbox" name="cb2" value="no">
  <input type="radio" name="r" checked>
  <input type="submit" name="go" value="Go">
  <input type="text" name="dis" value="x" disabled>
  <select id="select_one" name="select_one">
    <option value="not this option">no</option>
    <option value="yes this option" selected>yes</option>
  </select>
  <select id="select_text" name="select_text">
    <option>no text</option>
    <option selected>yes text</option>
  </select>
  <select id="select_multi" name="select_multi" multiple>
    <option>option 1</option>
    <option selected>option 2</option>
    <option selected>option 3</option>
  </select>
  <textarea id="textarea" name="textarea">Lorem ipsum dolor sit amet</textarea>
  <button id="btn" type="submit" value="bv">Send</button>
</form>
<table id="tbl"><caption>Cap</caption><tbody><tr><td>a</td><td colspan="2">b</td></tr><tr><td>c</td></tr></tbody></table>
<footer>This is the footer.</footer>
</body>
</html>`;

function texts(sel) {
  return sel.map((i, s) => s.text());
}

function selectors(doc) {
  const table = [
    ['title', ['This is the title']],
    ['li', ['one', 'two', 'three', 'four', 'five']],
    ['#top', ['Lorem ipsum']],
    ['.special', ['three']],
    ['.item.first', ['one']],
    ['h1.title.main', ['Lorem ipsum']],
    ['li[lang]', ['two', 'five']],
    ['li[data-n="3"]', ['three']],
    ['li[data-n=4]', ['four']],
    ['li[class^=item]', ['one', 'two', 'three', 'four', 'five']],
    ['li[class$=last]', ['five']],
    ['li[class*=spec]', ['three']],
    ['li[title~=y]', ['three']],
    ['li[lang|=en]', ['two']],
    ['li[lang!=en-US]', ['one', 'three', 'four', 'five']],
    ['ul li', ['one', 'two', 'three', 'four', 'five']],
    ['body > ul > li.first', ['one']],
    ['li.first + li', ['two']],
    ['li.special ~ li', ['four', 'five']],
    ['h1, .special, footer', ['Lorem ipsum', 'three', 'This is the footer.']],
    ['li:first-child', ['one']],
    ['li:last-child', ['five']],
    ['li:nth-child(2)', ['two']],
    ['li:nth-child(odd)', ['one', 'three', 'five']],
    ['li:nth-child(2n)', ['two', 'four']],
    ['li:nth-child(-n+2)', ['one', 'two']],
    ['li:nth-last-child(2)', ['four']],
    ['body > p:nth-of-type(2)', ['Para two']],
    ['li:not(.first, .last)', ['two', 'three', 'four']],
    ['li:has(a)', ['four']],
    ['li:contains("hre")', ['three']],
    ['p:containsOwn("more")', ['Para one & more']],
    ['option:selected', ['yes', 'yes text', 'option 2', 'option 3']],
    ['td:only-child', ['c']],
  ];
  for (const [css, want] of table) {
    expect(`selector ${css}`, texts(doc.find(css)), want);
  }
}

function selection(doc) {
  expect('find/text', doc.find('h1').text(), 'Lorem ipsum');
  expect('size and length', [doc.find('li').size(), doc.find('li').length], [5, 5]);
  expect('add selector', doc.find('h1').add('footer').text(), 'Lorem ipsumThis is the footer.');
  expect('add selection', doc.find('h1').add(doc.find('footer')).size(), 2);
  expect('attr', doc.find('h1').attr('id'), 'top');
  expect('attr default', [doc.find('h1').attr('id', 'd'), doc.find('h1').attr('nope', 'd')], ['top', 'd']);
  expect('attr unset', doc.find('h1').attr('class2') === undefined, true);
  expect('html', doc.find('p').first().html(), 'Para <b>one</b> &amp; more');
  expect('html of nothing', doc.find('nothing').html() === undefined, true);
  expect('val input', doc.find('#text_input').val(), 'input-text-value');
  expect('val option', doc.find('#select_one option[selected]').val(), 'yes this option');
  expect('val select', doc.find('#select_one').val(), 'yes this option');
  expect('val select text', doc.find('#select_text').val(), 'yes text');
  expect('val select multiple', doc.find('#select_multi').val(), ['option 2', 'option 3']);
  expect('val textarea', doc.find('#textarea').val(), 'Lorem ipsum dolor sit amet');
  expect('val button', doc.find('#btn').val(), 'bv');
  expect('val radio without value', doc.find('input[type=radio]').val(), 'on');
  expect('children', doc.find('head').children().size(), 1);
  expect('children filtered', doc.find('body').children('p').size(), 2);
  expect('closest', doc.find('textarea').closest('form').attr('id'), 'form1');
  expect('contents', doc.find('#list').contents().size(), 11);
  expect('is', [doc.find('h1').is('h1'), doc.find('h1').is('p')], [true, false]);
  expect('is function', doc.find('h1').is((i, s) => s.text() === 'Lorem ipsum'), true);
  expect('is selection', doc.find('body').children().first().is(doc.find('h1')), true);
  expect('filter', doc.find('body').children().filter('p').size(), 2);
  expect('filter function', doc.find('body').children().filter((i, s) => s.is('p')).size(), 2);
  expect('filter selection', doc.find('body').children().filter(doc.find('p')).size(), 2);
  expect('end', doc.find('body').children().filter('p').end().size(), 7);
  expect('eq', doc.find('body').children().eq(4).attr('id'), 'form1');
  expect('eq negative', doc.find('li').eq(-1).text(), 'five');
  expect('first last', [doc.find('li').first().text(), doc.find('li').last().text()], ['one', 'five']);
  expect('has', doc.find('body').children().has('input').size(), 1);
  expect('has selection', doc.find('body').children().has(doc.find('input')).size(), 1);
  expect('map', doc.find('#select_multi option').map((i, s) => s.text()), ['option 1', 'option 2', 'option 3']);
  expect('map objects', doc.find('li').slice(0, 2).map((i, s) => ({ i, n: s.data('n') })),
    [{ i: 0, n: 1 }, { i: 1, n: 2 }]);
  expect('next', doc.find('h1').next().is('ul'), true);
  expect('next filtered', doc.find('p').next('form').size(), 1);
  expect('nextAll', [doc.find('h1').nextAll().size(), doc.find('h1').nextAll('p').size()], [6, 2]);
  expect('prev', doc.find('footer').prev().is('table'), true);
  expect('prevAll', [doc.find('form').prevAll().size(), doc.find('form').prevAll('p').size()], [4, 2]);
  expect('prevUntil', [doc.find('footer').prevUntil('h1').size(), doc.find('footer').prevUntil(doc.find('h1')).size(),
    doc.find('form').prevUntil('h1', 'p').size(), doc.find('footer').prevUntil().size(),
    doc.find('footer').prevUntil(null, 'p').size()], [5, 5, 2, 6, 2]);
  expect('nextUntil', [doc.find('h1').nextUntil('footer').size(), doc.find('h1').nextUntil(null, 'p').size()], [5, 2]);
  expect('parent', [doc.find('textarea').parent().attr('id'), doc.find('textarea').parent('form').size(),
    doc.find('textarea').parent('div').size()], ['form1', 1, 0]);
  expect('parents', [doc.find('textarea').parents().size(), doc.find('textarea').parents('body').size()], [3, 1]);
  expect('parentsUntil', [doc.find('textarea').parentsUntil('html').size(),
    doc.find('textarea').parentsUntil(doc.find('html'), 'body').size(), doc.find('textarea').parentsUntil().size()], [2, 1, 3]);
  expect('not', [doc.find('body').children().not('p').size(), doc.find('body').children().not(doc.find('p')).size(),
    doc.find('body').children().not((i, s) => s.is('p')).size()], [5, 5, 5]);
  expect('siblings', [doc.find('form').siblings().size(), doc.find('form').siblings('p').size()], [6, 2]);
  expect('slice', [doc.find('li').slice(1, 2).text(), doc.find('li').slice(3).size(), doc.find('li').slice(-2).text()],
    ['two', 2, 'fourfive']);
  expect('get', doc.find('body').children().get().map((e) => e.nodeName()),
    ['h1', 'ul', 'p', 'p', 'form', 'table', 'footer']);
  expect('get index', [doc.find('li').get(1).textContent(), doc.find('li').get(-1).textContent(),
    doc.find('li').get(9) === undefined], ['two', 'five', true]);
  expect('toArray', doc.find('p').toArray().map((s) => s.size() + ':' + s.text().slice(0, 8)), ['1:Para one', '1:Para two']);
  expect('index', [doc.find('p').index(), doc.find('form').index('body > *'), doc.find('body').children().index(doc.find('footer'))],
    [2, 4, 6]);
  const each = [];
  doc.find('#select_multi option').each(function (idx, el) { each[idx] = el.innerHTML(); });
  expect('each', each, ['option 1', 'option 2', 'option 3']);
}

function data(doc) {
  expect('data string', doc.find('h1').data('test'), 'dataval');
  expect('data numbers', [doc.find('h1').data('num-a'), doc.find('h1').data('num-b')], [123, 1.5]);
  expect('data not numbers', [doc.find('h1').data('not-num-a'), doc.find('h1').data('not-num-b')], ['1.50', '1.1e02']);
  expect('data camel case', [doc.find('h1').data('testId'), doc.find('h1').data('test-id')], ['tid', 'tid']);
  expect('data all', doc.find('h1').data(), { test: 'dataval', numA: 123, numB: 1.5, notNumA: '1.50', notNumB: '1.1e02', testID: 'tid' });
  expect('data boolean', [doc.find('p').data('test-b'), doc.find('p').data('testB')], [true, true]);
  expect('data empty', doc.find('p').data('test-empty') === undefined, true);
  expect('data json', [doc.find('p').data('opts').id, doc.find('p').data().opts.id], [101, 101]);
  expect('data missing', doc.find('p').data('nope') === undefined, true);
}

function forms(doc) {
  const form = doc.find('form');
  expect('serializeArray', form.serializeArray(), [
    { name: 'text_input', value: 'input-text-value' }, { name: 'cb', value: 'yes' }, { name: 'r', value: 'on' },
    { name: 'select_one', value: 'yes this option' }, { name: 'select_text', value: 'yes text' },
    { name: 'select_multi', value: ['option 2', 'option 3'] }, { name: 'textarea', value: 'Lorem ipsum dolor sit amet' }]);
  expect('serializeObject', form.serializeObject().select_multi, ['option 2', 'option 3']);
  expect('serialize', form.serialize(), 'cb=yes&r=on&select_multi=option+2&select_multi=option+3&' +
    'select_one=yes+this+option&select_text=yes+text&text_input=input-text-value&textarea=Lorem+ipsum+dolor+sit+amet');
  expect('serialize controls', doc.find('input[type=text]').serialize(), 'text_input=input-text-value');
  expect('serialize docs example', parseHTML('<form><input name="username"></form>').find('form').serialize(), 'username=');
}

function elements(doc) {
  const h1 = doc.find('h1').get(0);
  expect('element basics', [h1.nodeName(), h1.nodeType(), h1.id(), h1.textContent(), h1.innerHTML(), h1.className(),
    h1.classList(), h1.toString(), h1.hasAttribute('data-test'), h1.getAttribute('id'), h1.hasAttributes(), h1.hasChildNodes()],
  ['h1', 1, 'top', 'Lorem ipsum', 'Lorem ipsum', 'title main', ['title', 'main'], '[object html.Node]', true, 'top', true, true]);
  expect('element attributes', [h1.attributes().id.value, h1.attributes().id.name, h1.getAttributeNode('class').value,
    h1.attributes()['data-test'].localName(), h1.attributes().id.namespaceURI()],
  ['top', 'id', 'title main', 'data-test', 'http://www.w3.org/1999/xhtml']);
  const ul = doc.find('ul').get(0);
  expect('element tree', [ul.childElementCount(), ul.firstElementChild().textContent(), ul.lastElementChild().textContent(),
    ul.children().length, ul.childNodes().length, ul.firstChild().nodeName(), ul.firstChild().nodeType(),
    ul.previousElementSibling().id(), ul.nextElementSibling().nodeName(), ul.parentElement().nodeName(),
    ul.parentNode().nodeName(), ul.ownerDocument().nodeName(), ul.ownerDocument().nodeType()],
  [5, 'one', 'five', 5, 11, '#text', 3, 'top', 'p', 'body', 'body', '#document', 9]);
  expect('element queries', [ul.querySelector('.special').textContent(), ul.querySelectorAll('li').length,
    ul.getElementsByClassName('item').length, ul.getElementsByTagName('a').length, ul.matches('#list'),
    ul.contains(doc.find('a').get(0)), ul.contains(ul), ul.isSameNode(doc.find('#list').get(0)),
    ul.isEqualNode(doc.find('ul').get(0)), ul.querySelector('nothing') === undefined],
  ['three', 5, 5, 1, true, true, false, true, true, true]);
  expect('element selection', ul.selection().children().size(), 5);
  expect('element lang and ns', [doc.find('li').get(1).lang(), ul.namespaceURI(), ul.isDefaultNamespace()],
    ['en-US', 'http://www.w3.org/1999/xhtml', true]);
  const text = ul.firstChild();
  expect('text node', [text.nodeValue(), text.toString()], ['\n  ', '[object #text]']);

  // Per-tag members.
  const a = doc.find('a').get(0);
  expect('anchor without base URL', [a.href(), a.pathname(), a.search(), a.hash(), a.protocol(), a.text(), a.relList()],
    ['/four?a=1#frag', '/four', '?a=1', '#frag', ':', 'four', ['prev', 'next']]);
  const full = parseHTML('<a href="https://u:p@h.test:8443/x/y?q=1#f">t</a><a href="http://h.test:80/">d</a>').find('a');
  const f0 = full.get(0);
  expect('anchor parts', [f0.host(), f0.hostname(), f0.port(), f0.username(), f0.password(), f0.origin(), f0.protocol(),
    full.get(1).host()],
  ['h.test:8443', 'h.test', '8443', 'u', 'p', 'https://h.test:8443', 'https', 'h.test']);
  const form = doc.find('form').get(0);
  expect('form element', [form.method(), form.action(), form.elements().length, form.length(), form.enctype()],
    ['get', '/submit', 11, 11, 'application/x-www-form-urlencoded']);
  const input = doc.find('#text_input').get(0);
  expect('input element', [input.type(), input.name(), input.value(), input.form().id(), input.formMethod(),
    input.maxLength(), input.disabled(), doc.find('input[name=dis]').get(0).disabled()],
  ['text', 'text_input', 'input-text-value', 'form1', 'post', -1, false, true]);
  const sel = doc.find('#select_multi').get(0);
  expect('select element', [sel.length(), sel.options().length, sel.selectedIndex(), sel.selectedOptions().length,
    sel.type(), sel.value(), sel.multiple(), doc.find('#select_one').get(0).value()],
  [3, 3, 1, 2, 'select-multiple', 'option 2', true, 'yes this option']);
  const opt = doc.find('#select_one option').get(1);
  expect('option element', [opt.index(), opt.label(), opt.text(), opt.value(), opt.selected(), opt.disabled(), opt.form().id()],
    [1, 'yes', 'yes', 'yes this option', true, false, 'form1']);
  expect('button and textarea', [doc.find('#btn').get(0).value(), doc.find('#btn').get(0).type(),
    doc.find('textarea').get(0).type()], ['bv', 'submit', 'textarea']);
  const tbl = doc.find('#tbl').get(0);
  expect('table elements', [tbl.caption().textContent(), tbl.rows().length, tbl.tBodies().length,
    doc.find('tr').get(1).rowIndex(), doc.find('td').get(1).cellIndex(), doc.find('td').get(1).colSpan(),
    doc.find('td').get(0).colSpan(), doc.find('tr').get(0).cells().length, tbl.tHead() === undefined],
  ['Cap', 2, 1, 1, 1, 2, 1, 2, true]);
  expect('title element', doc.find('title').get(0).text(), 'This is the title');
}

function errors(doc) {
  expect('bad selector', throws(() => doc.find('li[')),
    'SyntaxError: invalid CSS selector "li[": expected an attribute name at position 4');
  expect('bad pseudo-class', throws(() => doc.find('li:bogus')),
    'SyntaxError: invalid CSS selector "li:bogus": unknown pseudo-class at position 4');
  expect('bad argument', throws(() => doc.find(42)).indexOf('find(): invalid argument: cannot use 42 as a selector') >= 0, true);
  expect('each needs a function', throws(() => doc.find('li').each('')), 'TypeError: each(): the argument must be a function');
  expect('map needs a function', throws(() => doc.find('li').map(1)), 'TypeError: map(): the argument must be a function');
  expect('not a selection', throws(() => doc.find.call({}, 'li')).indexOf('not a k6/html Selection') >= 0, true);
  expect('callback error propagates', throws(() => doc.find('li').filter(() => { throw new Error('boom'); })), 'Error: boom');
}

function odd(doc) {
  expect('empty document', [parseHTML('').find('body').size(), parseHTML().find('html').size()], [1, 1]);
  expect('broken markup', parseHTML('<div><p>one<p>two</div><span>three').find('div > p, body > span').map((i, s) => s.text()),
    ['one', 'two', 'three']);
  expect('script text', parseHTML('<script>if (a < b) {}</script>').find('script').text(), 'if (a < b) {}');
  expect('entities and unicode', parseHTML('<p>&eacute;&#233;&#x1F600; ü</p>').find('p').text(), 'éé\u{1F600} ü');
  const bad = new Uint8Array([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0x41, 0xc3, 0x3c, 0x2f, 0x70, 0x3e]).buffer;
  expect('invalid UTF-8 becomes U+FFFD', parseHTML(bad).find('p').text(), '\uFFFD\uFFFDA\uFFFD');
  expect('no doctype is made up', parseHTML('<p>x</p>').contents().get(0).nodeName(), 'html');
  expect('selection from another document', throws(() => doc.find('h1').add(parseHTML('<p>x</p>').find('p'))),
    'Error: add(): the nodes belong to another document');
}

function responses() {
  const res = http.get(`${BASE}/html`);
  expect('response.html()', res.html().find('h1').text(), 'Herman Melville - Moby-Dick');
  expect('response.html(selector)', res.html('h1').text(), 'Herman Melville - Moby-Dick');
  expect('response.html() paragraph', res.html().find('p').text().indexOf('Availing himself of the mild') >= 0, true);
  const links = http.get(`${BASE}/links/3/0`);
  const a = links.html('a').get(0);
  expect('response links resolve', [a.href(), a.pathname(), links.html('a').attr('href')],
    [`${BASE}/links/3/1`, '/links/3/1', '/links/3/1']);
  const none = http.get(`${BASE}/html`, { responseType: 'none' });
  expect('response.html() without a body', throws(() => none.html()).indexOf('the body is null') >= 0, true);
  const bin = http.get(`${BASE}/html`, { responseType: 'binary' });
  expect('response.html() of a binary body', bin.html('h1').text(), 'Herman Melville - Moby-Dick');
}

export default function () {
  const doc = parseHTML(SRC);
  selectors(doc);
  selection(doc);
  data(doc);
  forms(doc);
  elements(doc);
  errors(doc);
  odd(doc);
  responses();
  // Documents made and dropped in a loop are freed as they go (the ASan
  // build of the suite reports any that are not).
  for (let i = 0; i < 50; i++) {
    parseHTML(SRC).find('li').each((idx, el) => el.textContent());
  }
}
