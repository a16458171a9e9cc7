// Two scenarios with groups and checks, no requests, for the
// --summary-mode tests of test_cli.py. The scenario named "default" has its
// groups shown as top-level GROUP blocks (k6's rule); "beta" gets a
// SCENARIO block with its group inside.
import { check, group } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const items = new Counter('items');
const work = new Trend('work');

export const options = {
	scenarios: {
		default: { executor: 'per-vu-iterations', vus: 1, iterations: 2, exec: 'main' },
		beta: { executor: 'shared-iterations', vus: 1, iterations: 3, exec: 'beta' },
	},
	thresholds: { items: ['count>0'] },
};

export function main() {
	check(1, { 'root check': (v) => v === 1 });
	group('outer', () => {
		items.add(2);
		check(1, { 'outer check': (v) => v === 1 });
		group('inner', () => {
			work.add(5);
			check(1, { 'inner check': (v) => v === 2 });
		});
	});
}

export function beta() {
	group('solo', () => {
		items.add(1);
		work.add(7);
		check(1, { 'solo check': (v) => v === 1 });
	});
}
