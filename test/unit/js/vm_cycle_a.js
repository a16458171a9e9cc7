import { b, callA } from './vm_cycle_b.js';
export function a() { return 'a'; }
export const options = { ext: { v: b() + callA() } };
export default function () { console.log('ok', b(), callA()); }
