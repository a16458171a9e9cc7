// get_sleep.js - the memory-per-VU workload: each VU holds a connection and
// its JavaScript state but is mostly asleep, as VUs of a real test are.
import http from 'k6/http';
import { sleep } from 'k6';

export default function () {
	http.get(__ENV.URL);
	sleep(1);
}
