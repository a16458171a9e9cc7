// k6/encoding: RFC 4648 section 10 vectors in the four variants, strings
// (UTF-8) and bytes in and out, and Go's decoding rules and error offsets.
import encoding from 'k6/encoding';
import { b64encode, b64decode } from 'k6/encoding';
import { eq, throws, ok, hex, bytes, done } from './lib/stdmods_assert.js';

const rfc = [
  ['', '', ''], ['f', 'Zg==', 'Zg'], ['fo', 'Zm8=', 'Zm8'], ['foo', 'Zm9v', 'Zm9v'],
  ['foob', 'Zm9vYg==', 'Zm9vYg'], ['fooba', 'Zm9vYmE=', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy', 'Zm9vYmFy'],
];

export default function () {
  eq('named and default exports', encoding.b64encode, b64encode);
  for (const [plain, padded, raw] of rfc) {
    eq(`std encode "${plain}"`, b64encode(plain), padded);
    eq(`std encode "${plain}" explicit`, b64encode(plain, 'std'), padded);
    eq(`rawstd encode "${plain}"`, b64encode(plain, 'rawstd'), raw);
    eq(`url encode "${plain}"`, b64encode(plain, 'url'), padded);
    eq(`rawurl encode "${plain}"`, b64encode(plain, 'rawurl'), raw);
    eq(`std decode "${padded}"`, b64decode(padded, 'std', 's'), plain);
    eq(`url decode "${padded}"`, b64decode(padded, 'url', 's'), plain);
    eq(`rawstd decode "${raw}"`, b64decode(raw, 'rawstd', 's'), plain);
    eq(`rawurl decode "${raw}"`, b64decode(raw, 'rawurl', 's'), plain);
  }

  // The two alphabets differ in 62 and 63.
  const fbff = bytes([0xfb, 0xff]);
  eq('std +/', b64encode(fbff), '+/8=');
  eq('rawstd +/', b64encode(fbff, 'rawstd'), '+/8');
  eq('url -_', b64encode(fbff, 'url'), '-_8=');
  eq('rawurl -_', b64encode(fbff, 'rawurl'), '-_8');
  eq('url decode -_', hex(b64decode('-_-_', 'url')), 'fbffbf');
  eq('std decode +/', hex(b64decode('+/+/')), 'fbffbf');
  eq('unknown encoding is std (k6)', b64encode(fbff, 'bogus'), '+/8=');
  eq('unknown decoding is std (k6)', hex(b64decode('+/8=', 'bogus')), 'fbff');

  // k6's documented examples.
  eq('k6 doc std', b64encode('hello world'), 'aGVsbG8gd29ybGQ=');
  eq('k6 doc rawstd', b64decode('aGVsbG8gd29ybGQ', 'rawstd', 's'), 'hello world');
  eq('k6 doc url', b64encode('小飼弾..', 'url'), '5bCP6aO85by-Li4=');
  eq('k6 doc rawurl', b64encode('小飼弾..', 'rawurl'), '5bCP6aO85by-Li4');
  eq('k6 doc url decode', b64decode('5bCP6aO85by-Li4=', 'url', 's'), '小飼弾..');
  eq('k6 doc rawurl decode', b64decode('5bCP6aO85by-Li4', 'rawurl', 's'), '小飼弾..');

  // Output types.
  const ab = b64decode('aGVsbG8gd29ybGQ=');
  ok('decode gives an ArrayBuffer', ab instanceof ArrayBuffer);
  eq('decode ArrayBuffer bytes', hex(ab), '68656c6c6f20776f726c64');
  eq('format other than s is ArrayBuffer', b64decode('Zg==', 'std', 'b') instanceof ArrayBuffer, true);
  eq('empty decode', b64decode('').byteLength, 0);

  // Strings are UTF-8; bytes are bytes.
  eq('utf8 2-byte', b64encode('é'), 'w6k=');
  eq('utf8 4-byte (surrogate pair)', b64encode('😀'), '8J+YgA==');
  eq('utf8 4-byte decoded to a pair', b64decode('8J+YgA==', 'std', 's'), '😀');
  eq('utf8 pair length', b64decode('8J+YgA==', 'std', 's').length, 2);
  eq('invalid utf8 byte is U+FFFD', b64decode('/w==', 'std', 's'), '\ufffd');
  eq('truncated sequence', b64decode('4pw=', 'std', 's'), '\ufffd\ufffd');
  eq('encoded surrogate is invalid', b64decode('7aCA', 'std', 's'), '\ufffd\ufffd\ufffd');
  eq('lone surrogate is U+FFFD', b64encode('a\ud800b'), 'Ye+/vWI=');
  eq('ArrayBuffer input', b64encode(bytes([104, 101, 108, 108, 111])), 'aGVsbG8=');
  eq('typed array view input', b64encode(new Uint8Array(bytes([104, 101, 108, 108, 111]), 1, 3)), 'ZWxs');
  eq('binary round trip', hex(b64decode(b64encode(bytes([0, 1, 2, 253, 254, 255])))), '000102fdfeff');
  eq('ArrayBuffer to decode', b64decode(bytes([90, 103, 61, 61]), 'std', 's'), 'f');

  // Go's decoder: CR/LF anywhere are skipped, unused bits need not be zero.
  eq('newlines skipped', b64decode('Zm9v\r\nYmFy\n', 'std', 's'), 'foobar');
  eq('newline inside padding', b64decode('Zg=\n=', 'std', 's'), 'f');
  eq('non-zero trailing bits', b64decode('Zh==', 'std', 's'), 'f');

  // ... and its errors, with the byte offsets Go reports.
  const bad = [
    ['std', 'aGVsbG8gd29ybGQ', 12],   // missing padding
    ['std', 'Zm9v!', 4],              // not in the alphabet
    ['std', 'Zg=', 3],                // half the padding
    ['std', 'Zg=x', 2],               // "=" then garbage
    ['std', 'Zg==Zg==', 4],           // data after the padding
    ['std', 'Z===', 1],               // padding too early
    ['std', '=', 0],
    ['std', 'Z', 0],                  // one character is never enough
    ['std', '-_8=', 0],               // URL alphabet in std
    ['url', '+/8=', 0],               // std alphabet in url
    ['rawstd', 'Zg==', 2],            // padding in a raw variant
    ['rawurl', 'Z', 0],
    ['std', 'Zm9vYmFy é', 8],
  ];
  for (const [enc, input, at] of bad)
    throws(`${enc} decode "${input}"`, () => b64decode(input, enc), `illegal base64 data at input byte ${at}`);

  throws('number input', () => b64encode(123), 'b64encode: invalid type number for input, expected a string or an ArrayBuffer', 'TypeError');
  throws('undefined input', () => b64encode(), 'invalid type undefined for input', 'TypeError');
  throws('object input', () => b64decode({}), 'b64decode: invalid type object for input', 'TypeError');
  done('encoding');
}
