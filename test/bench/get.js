// get.js - the throughput and soak workload: one GET per iteration, nothing
// else, so the generator's own cost per request is what is measured.
import http from 'k6/http';

export default function () {
	http.get(__ENV.URL);
}
