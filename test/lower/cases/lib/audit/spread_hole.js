export default function () { const a = [1, , ...[3]]; return [a.length, 1 in a, a]; }
