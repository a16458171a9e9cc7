export default function () {
  class A { static get name() { return 'N'; } }
  return A.name;
}
