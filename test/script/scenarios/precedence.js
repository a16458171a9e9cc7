// precedence.js - the script tier of the option-precedence tests: every
// value here is overridden by some tests (K6_* environment, API overrides)
// and overrides the config file in others. MODE selects a variant that is
// invalid on purpose.
const byMode = {
  normal: {
    vus: 2,
    iterations: 4,
    setupTimeout: '21s',
    summaryTrendStats: ['avg', 'p(99)'],
  },
  conflict: {
    iterations: 5,
    stages: [{ duration: '1s', target: 2 }],
  },
};

export const options = byMode[__ENV.MODE || 'normal'];

export default function () {}
