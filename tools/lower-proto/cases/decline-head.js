// DECLINE: a closure in a for-loop head captures a per-iteration binding.
export default function main() {
  const fs = [];
  for (let i = 0, f = () => i; i < 2; i++) fs.push(f);
  return fs.map(f => f());
}
