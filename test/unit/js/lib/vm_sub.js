export const sub = () => '!';
