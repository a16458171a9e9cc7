// timers.js - k6/timers and the global timers: the order callbacks run in,
// arguments and `this`, clearTimeout/clearInterval (also from inside the
// callback itself), an interval that stops itself, timers in init code, and
// a timer set after the function returned keeping the iteration alive.
import { setTimeout as setT, clearTimeout as clearT, setInterval as setI, clearInterval as clearI } from 'k6/timers';

export const options = { iterations: 1, vus: 1 };

const initOrder = [];
setTimeout(() => initOrder.push('init'), 5);

export default function () {
  const order = [];
  const same = setT === setTimeout && clearT === clearTimeout && setI === setInterval &&
    clearI === clearInterval;
  setTimeout(() => order.push('t200'), 200);
  setT((a, b) => order.push(`t10(${a},${b})`), 10, 'x', 2);
  const cleared = setTimeout(() => order.push('cleared'), 5);
  clearT(cleared);
  let n = 0;
  const iv = setI(() => {
    order.push(`i${n}`);
    n++;
    if (n === 3)
      clearI(iv);
  }, 8);
  setTimeout(() => order.push('t0a'), 0);
  setTimeout(() => order.push('t0b'), -5);
  const self = setTimeout(function () {
    clearTimeout(self);
    order.push(`self this=${this === globalThis}`);
  }, 12);
  const iv2 = setInterval(() => {
    order.push('iv2');
    clearInterval(iv2);
  }, 1);
  setTimeout(() => {
    console.log(`init=${initOrder.join(',')} same=${same} ids=${typeof cleared}`);
    console.log(`order ${order.join(' ')}`);
  }, 300);
}
