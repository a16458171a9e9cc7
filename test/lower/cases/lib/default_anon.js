// An anonymous default export is named "default".
export default function () {}
export const Anon = (() => class {})();
