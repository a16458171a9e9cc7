// k6/crypto: known-answer vectors for every digest (RFC 1320, RFC 1321,
// FIPS 180-4 examples, the RIPEMD-160 paper) and every HMAC (RFC 2202,
// RFC 4231, RFC 2286; HMAC-MD4 and HMAC-SHA512/t checked against an
// independent HMAC over each digest), the output encodings, Hasher
// objects, randomBytes, hexEncode and the errors.
import crypto from 'k6/crypto';
import { sha256 as namedSha256 } from 'k6/crypto';
import { eq, throws, ok, hex, bytes, done } from './lib/stdmods_assert.js';

const digests = {
  md4: ['31d6cfe0d16ae931b73c59d7e0c089c0', 'a448017aaf21d8525fc10ae87aa6729d', 'd9130a8164549fe818874806e1c7014b'],
  md5: ['d41d8cd98f00b204e9800998ecf8427e', '900150983cd24fb0d6963f7d28e17f72', 'f96b697d7cb7938d525a2f31aaf161d0'],
  sha1: ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'a9993e364706816aba3e25717850c26c9cd0d89d', 'c12252ceda8be8994d5fa0290a47231c1d16aae3'],
  sha256: ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'f7846f55cf23e14eebeab5b4e1550cad5b509e3348fbc4efa3a1413d393cb650'],
  sha384: ['38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7', '473ed35167ec1f5d8e550368a3db39be54639f828868e9454c239fc8b52e3c61dbd0d8b4de1390c256dcbb5d5fd99cd5'],
  sha512: ['cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f', '107dbf389d9e9f71a3a95f6c055b9251bc5268c2be16d6c13492ea45b0199f3309e16455ab1e96118e8a905d5597b72038ddb372a89826046de66687bb420e7c'],
  sha512_224: ['6ed0dd02806fa89e25de060c19d3ac86cabb87d6a0ddd05c333b84f4', '4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa', 'ad1a4db188fe57064f4f24609d2a83cd0afb9b398eb2fcaeaae2c564'],
  sha512_256: ['c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a', '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23', '0cf471fd17ed69d990daf3433c89b16d63dec1bb9cb42a6094604ee5d7b4e9fb'],
  ripemd160: ['9c1185a5c5e9fc54612808977ee8f548b2258d31', '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc', '5d0689ef49d2fae572b881b123a85ffa21595f36'],
};
const inputs = ['', 'abc', 'message digest'];

// [key 0x0b x 20, "Hi There"], [key "Jefe", "what do ya want for nothing?"]
const hmacs = {
  md4: ['5570ce964ba8c11756cdc3970278ff5a', 'be192c588a8e914d8a59b474a828128f'],
  md5: ['5ccec34ea9656392457fa1ac27f08fbc', '750c783e6ab0b503eaa86e310a5db738'],
  sha1: ['b617318655057264e28bc0b6fb378c8ef146be00', 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
  sha256: ['b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  sha384: ['afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6', 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649'],
  sha512: ['87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854', '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'],
  sha512_224: ['b244ba01307c0e7a8ccaad13b1067a4cf6b961fe0c6a20bda3d92039', '4a530b31a79ebcce36916546317c45f247d83241dfb818fd37254bde'],
  sha512_256: ['9f9126c3d9c3c330d760425ca8a217e31feae31bfe70196ff81642b868402eab', '6df7b24630d5ccb2ee335407081a87188c221489768fa2020513b2d593359456'],
  ripemd160: ['24cb4bd67d20fc1a5d2ed7732dcc39377f0a5668', 'dda6c0213a485a9e24f4742064a7f033b43c4069'],
};

function repeatByte(b, n) {
  const a = [];
  for (let i = 0; i < n; i++) a.push(b);
  return bytes(a);
}

function asBytes(s) {
  const a = [];
  for (let i = 0; i < s.length; i++) a.push(s.charCodeAt(i));
  return bytes(a);
}

export default function () {
  eq('named export', namedSha256, crypto.sha256);
  for (const alg of Object.keys(digests)) {
    inputs.forEach((input, i) => {
      const want = digests[alg][i];
      eq(`${alg}("${input}")`, crypto[alg](input, 'hex'), want);
      eq(`${alg}(ArrayBuffer "${input}")`, crypto[alg](asBytes(input), 'hex'), want);
      const h = crypto.createHash(alg);
      for (const ch of input) h.update(ch);
      eq(`createHash(${alg}) "${input}" by characters`, h.digest('hex'), want);
      eq(`${alg} binary "${input}"`, hex(crypto[alg](input, 'binary')), want);
    });
    const key = repeatByte(0x0b, 20);
    eq(`hmac ${alg} RFC case 1`, crypto.hmac(alg, key, 'Hi There', 'hex'), hmacs[alg][0]);
    eq(`hmac ${alg} RFC case 2`, crypto.hmac(alg, 'Jefe', 'what do ya want for nothing?', 'hex'), hmacs[alg][1]);
    const m = crypto.createHMAC(alg, 'Jefe');
    m.update('what do ya ');
    m.update(asBytes('want for nothing?'));
    eq(`createHMAC ${alg} in parts`, m.digest('hex'), hmacs[alg][1]);
  }

  // Longer messages: RFC 1321's and FIPS 180's, one million "a" in 1000 updates.
  eq('md5 80 digits', crypto.md5('12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'hex'), '57edf4a22be3c955ac49da2e2107b67a');
  eq('md4 80 digits', crypto.md4('12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'hex'), 'e33b4ddc9c38f2199c3e7b164fcc0536');
  eq('sha1 448 bits', crypto.sha1('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'hex'), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  eq('sha256 448 bits', crypto.sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'hex'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  const million = crypto.createHash('sha256');
  const thousand = 'a'.repeat(1000);
  for (let i = 0; i < 1000; i++) million.update(thousand);
  eq('sha256 one million a', million.digest('hex'), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');

  // RFC 2202 HMAC-MD5 case 1 (16-byte key), empty keys.
  eq('hmac md5 16-byte key', crypto.hmac('md5', repeatByte(0x0b, 16), 'Hi There', 'hex'), '9294727a3638bb1c13f48ef8158bfc9d');
  eq('hmac md5 empty key', crypto.hmac('md5', '', '', 'hex'), '74e6f7298a9c2d168935f58c001bad88');
  eq('hmac sha256 empty key', crypto.hmac('sha256', '', '', 'hex'), 'b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad');
  eq('createHMAC empty key', crypto.createHMAC('sha256', bytes([])).digest('hex'), 'b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad');
  eq('hmac key longer than a block', crypto.hmac('sha256', repeatByte(0xaa, 131), 'Test Using Larger Than Block-Size Key - Hash Key First', 'hex'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');

  // Output encodings (k6's documented sha256 example).
  const h = crypto.createHash('sha256');
  h.update('hello ');
  h.update('world!');
  eq('digest hex', h.digest('hex'), '7509e5bda0c762d2bac7f90d758b5b2263fa01ccbc542ab5e3df163be08e6ca9');
  eq('digest base64', h.digest('base64'), 'dQnlvaDHYtK6x/kNdYtbImP6Acy8VCq1498WO+CObKk=');
  eq('digest base64url', h.digest('base64url'), 'dQnlvaDHYtK6x_kNdYtbImP6Acy8VCq1498WO-CObKk=');
  eq('digest base64rawurl', h.digest('base64rawurl'), 'dQnlvaDHYtK6x_kNdYtbImP6Acy8VCq1498WO-CObKk');
  const bin = h.digest('binary');
  ok('digest binary is an ArrayBuffer', bin instanceof ArrayBuffer);
  eq('digest binary bytes', hex(bin), '7509e5bda0c762d2bac7f90d758b5b2263fa01ccbc542ab5e3df163be08e6ca9');
  eq('one-shot base64', crypto.sha256('hello world!', 'base64'), 'dQnlvaDHYtK6x/kNdYtbImP6Acy8VCq1498WO+CObKk=');
  eq('md4 k6 doc example', crypto.md4('hello world!', 'hex'), '3363b72840acd5f49f922fef598ee85d');

  // A Hasher keeps going after digest() (Go's Sum does not reset).
  const g = crypto.createHash('md5');
  g.update('a');
  eq('digest so far', g.digest('hex'), '0cc175b9c0f1b6a831c399e269772661');
  g.update('bc');
  eq('digest after more data', g.digest('hex'), digests.md5[1]);
  const hm = crypto.createHMAC('sha1', 'Jefe');
  hm.update('what do ya want ');
  hm.digest('hex');
  hm.update('for nothing?');
  eq('HMAC digest twice', hm.digest('hex'), hmacs.sha1[1]);

  // Strings are hashed as UTF-8, typed-array views as their bytes.
  eq('md5 of é (UTF-8)', crypto.md5('é', 'hex'), '66ddcd97cfdeabb2f6fb8a999b4bc76f');
  eq('sha1 of emoji (UTF-8)', crypto.sha1('😀', 'hex'), '9c533688a979a858cbd6a43c9f91aba624651f18');
  eq('view of a buffer', crypto.md5(new Uint8Array(asBytes('xabcx'), 1, 3), 'hex'), digests.md5[1]);

  // randomBytes and hexEncode.
  const r = crypto.randomBytes(16);
  ok('randomBytes is an ArrayBuffer', r instanceof ArrayBuffer);
  eq('randomBytes length', r.byteLength, 16);
  ok('randomBytes differ', hex(r) !== hex(crypto.randomBytes(16)));
  eq('randomBytes(1)', crypto.randomBytes(1).byteLength, 1);
  eq('hexEncode string', crypto.hexEncode('abc'), '616263');
  eq('hexEncode bytes', crypto.hexEncode(bytes([0, 15, 16, 255])), '000f10ff');
  eq('hexEncode empty', crypto.hexEncode(''), '');

  // Errors, as k6 words them.
  throws('unknown algorithm', () => crypto.createHash('sha3'), 'invalid algorithm: sha3');
  throws('unknown hmac algorithm', () => crypto.hmac('whirlpool', 'k', 'd', 'hex'), 'invalid algorithm: whirlpool');
  throws('unknown createHMAC algorithm', () => crypto.createHMAC('MD5', 'k'), 'invalid algorithm: MD5');
  throws('unknown output encoding', () => crypto.sha256('x', 'base32'), 'invalid output encoding: base32');
  throws('missing output encoding', () => crypto.md5('x'), 'invalid output encoding: undefined');
  throws('digest encoding', () => crypto.createHash('md5').digest('HEX'), 'invalid output encoding: HEX');
  throws('randomBytes(0)', () => crypto.randomBytes(0), 'invalid size');
  throws('randomBytes(-1)', () => crypto.randomBytes(-1), 'invalid size');
  throws('randomBytes("x")', () => crypto.randomBytes('x'), 'invalid size');
  throws('number input', () => crypto.sha1(42, 'hex'), 'sha1: invalid type number for input', 'TypeError');
  throws('null secret', () => crypto.hmac('sha1', null, 'd', 'hex'), 'hmac: invalid type null for secret', 'TypeError');
  throws('object data', () => crypto.hmac('sha1', 'k', {}, 'hex'), 'hmac: invalid type object for data', 'TypeError');
  throws('update type', () => crypto.createHash('md5').update(1), 'update: invalid type number for data', 'TypeError');
  throws('update on another object', () => crypto.createHash('md5').update.call({}, 'x'), 'must be called on an object made by createHash() or createHMAC()', 'TypeError');
  done('crypto');
}
