// Constants re-exported by counter.js.
export const PI = 3;
export const E = 2;
