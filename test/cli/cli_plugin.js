// cli_plugin.js - imports the module of the test plugin tplug_good.so
// (test/api/plugins/good.c), loaded with --plugin or K6C_PLUGINS; checks
// that the plugin got the argument given as __ENV.WANT_ARG.
import { check } from 'k6';
import pt from 'k6/x/plugtest';

export const options = { thresholds: { checks: ['rate==1'] } };

export default function () {
  check(pt, {
    'plugin arg': (m) => m.arg() === __ENV.WANT_ARG,
    'plugin add': (m) => m.add(40, 2) === 42,
  });
}
