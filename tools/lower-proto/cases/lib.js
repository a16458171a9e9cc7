export let counter = 0;
export function inc() { counter++; }
export const helper = (v) => v * 10;
export default 'the default';
