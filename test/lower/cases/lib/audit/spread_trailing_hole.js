export default function () { const x = [1]; const a = [...x, ,]; const b = [, ...x]; return [a.length, b.length]; }
