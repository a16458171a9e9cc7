// Re-exports for syntax.js: `export *`, a re-exported default under a new
// name, a renamed re-export and `export * as` (a namespace).
export * from './helper.js';
export { default as helperDefault, add as sum } from './helper.js';
export * as shapes from './shapes.js';
export const own = 'reexport-own';
