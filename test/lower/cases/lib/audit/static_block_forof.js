export default function () {
  class A { static list = []; static { for (const x of [1, 2]) A.list.push(x); } }
  return A.list;
}
