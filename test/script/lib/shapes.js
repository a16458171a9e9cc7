// Helper module for syntax.js, re-exported as a namespace by reexport.js.
export const square = (n) => n * n;
export const cube = (n) => n * n * n;
export const NAME = 'shapes';
