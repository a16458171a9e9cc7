export default function () { function* g() {} return [Object.keys(g()), typeof g().hasOwnProperty('next')]; }
