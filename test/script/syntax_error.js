// syntax_error.js - one syntax error: the stray ';' on line 7 is at
// column 16 (1-based), so the run must end with exit code 107 and a log
// line naming "syntax_error.js:7:16".
import { check } from 'k6';

export default function () {
  const x = 1 +;
  check(x, { 'never runs': () => true });
}
