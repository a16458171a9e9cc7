// tags.js - every source of tags, each seen through a submetric threshold
// that counts exactly the samples it should: options.tags, a scenario's
// tags, add()'s tags, group(), params.tags of a request, and
// exec.vu.metrics.tags set in the middle of an iteration. One threshold
// ('count==3' on my_counter{call:x}) fails on purpose.
import { group } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';

const counter = new Counter('my_counter');

export const options = {
  tags: { run: 'r1' },
  scenarios: {
    sc: { executor: 'shared-iterations', vus: 1, iterations: 2, tags: { sctag: 's1' } },
  },
  thresholds: {
    my_counter: ['count==10'],
    'my_counter{run:r1}': ['count==10', 'count>9', 'count<10'],
    'my_counter{sctag:s1}': ['count==10'],
    'my_counter{scenario:sc}': ['count==10'],
    'my_counter{call:x}': ['count==2', 'count==3'],
    'my_counter{call:x,run:r1}': ['count==2'],
    'my_counter{group:::g1}': ['count==2'],
    'my_counter{group:::g1::g2}': ['count==2'],
    'my_counter{mid:m}': ['count==2'],
    'my_counter{call:none}': ['count==0'],
    'http_reqs{req:q}': ['count==2'],
    'http_reqs{req:q,run:r1,sctag:s1,group:::g1}': ['count==2'],
    'http_reqs{mid:m}': ['count==2'],
  },
};

export default function () {
  counter.add(1);
  counter.add(1, { call: 'x' });
  group('g1', () => {
    counter.add(1);
    http.get(`${__ENV.BASE_URL}/get`, { tags: { req: 'q' } });
    group('g2', () => counter.add(1));
  });
  exec.vu.metrics.tags.mid = 'm';
  counter.add(1);
  http.get(`${__ENV.BASE_URL}/get`);
  delete exec.vu.metrics.tags.mid;
}
