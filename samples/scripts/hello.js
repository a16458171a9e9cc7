// hello.js - a script that needs no server: two VUs share six iterations and
// log what they are doing. Try it with `k6c run samples/scripts/hello.js`.
import { check, sleep } from 'k6';

export const options = {
	vus: 2,
	iterations: 6,
};

export function setup() {
	return { started: Date.now() };
}

export default function (data) {
	const words = ['hello', 'from', `VU ${__VU}`];
	console.log(`${words.join(' ')}, iteration ${__ITER}`);
	check(data, { 'setup data arrived': (d) => d.started > 0 });
	sleep(0.2);
}

export function teardown(data) {
	console.log(`done after ${Date.now() - data.started} ms`);
}
