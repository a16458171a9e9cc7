export const BASE = 'https://x';
export const TIMEOUT = 30;
export default 'consts-default';
