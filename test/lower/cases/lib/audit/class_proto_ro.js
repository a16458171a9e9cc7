export default function () {
  class A { static m() {} }
  const r = [];
  try { A.prototype = {}; r.push('assigned'); } catch (e) { r.push(e.constructor.name); }
  r.push(Object.getOwnPropertyDescriptor(A, 'prototype').writable, Object.keys(A), Object.getOwnPropertyDescriptor(A, 'm').enumerable);
  return r;
}
