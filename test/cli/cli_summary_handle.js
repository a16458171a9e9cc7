// A handleSummary that says it ran, for --summary-mode=disabled, which
// skips it as k6's --no-summary does.
export const options = { iterations: 1 };

export default function () {}

export function handleSummary(data) {
	return { stdout: 'HANDLED ' + data.metrics.iterations.values.count + '\n' };
}
