export default function () { const a = [...[, 1]]; const b = [0, ...[, 1]]; return [0 in a, 1 in b, a.length]; }
