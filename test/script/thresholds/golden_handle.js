// golden_handle.js - golden.js with a handleSummary() that prints jslib's
// textSummary and writes the data it was given to DATA_FILE: the same
// golden files must match what the default summary and the API give.
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';

export { default, options, setup } from './golden.js';

export function handleSummary(data) {
  return {
    stdout: textSummary(data, { indent: ' ', enableColors: false }),
    [__ENV.DATA_FILE]: JSON.stringify(data),
  };
}
