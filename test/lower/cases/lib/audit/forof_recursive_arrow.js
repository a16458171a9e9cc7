export default function () {
  const out = [];
  const walk = (node) => { out.push(node.name); for (const c of node.kids) walk(c); };
  walk({ name: 'root', kids: [{ name: 'a', kids: [{ name: 'a1', kids: [] }] }, { name: 'b', kids: [] }] });
  return out;
}
