const flatten = (arr) => { const out = []; for (const x of arr) { if (Array.isArray(x)) out.push(...flatten(x)); else out.push(x); } return out; };
export default function () { return flatten([1, [2, [3, 4]], 5, [6]]); }
