import f from './ls_es5only.js';
export default function () { return f(); }
