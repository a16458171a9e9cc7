// Template literals: interpolation, multi-line, tagged with cooked and raw strings.
function tag(strings, ...vals) { return [strings.slice(), strings.raw.slice(), vals, Object.isFrozen(strings)]; }
function same(s) { return s; }
export default function () {
  const a = 2, b = 'x';
  const multi = `line1
line2 ${a * 3}`;
  const s1 = same`k`, s2 = same`k`;
  return [`${a}+${b}=${a + b}`, multi, tag`a${a}\n${b}z`, String.raw`\u0041${a}\t`, `nested ${`inner ${b}`}`];
}
// expect: ["2+x=2x","line1\nline2 6",[["a","\n","z"],["a","\\n","z"],[2,"x"],true],"\\u00412\\t","nested inner x"]
