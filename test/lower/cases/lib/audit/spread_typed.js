export default function () { return [...new Uint8Array([5, 6])]; }
