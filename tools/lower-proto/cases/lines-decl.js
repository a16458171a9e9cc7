// Error lines in multi-line declarations: each declarator and a pattern's initialiser stay on their line.
function boom(tag) { const e = new Error(tag); throw e; }
function lineOf(f) { try { f(); } catch (e) { return e.lineNumber === undefined ? null : e.lineNumber; } }
export default function main() {
  return [assign(),
    lineOf(() => {
      const a = 1,
        b = null.x;
    }),
    lineOf(() => {
      const {
        c,
        d = 2,
      } = null.y;
    }),
  ];
}
export function assign() {
  let a, b;
  return lineOf(() => {
    ({
      a,
      b,
    } = null.z);
  });
}
