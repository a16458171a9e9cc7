const get = 1, set = 2;
export default function () { return { get, set }; }
