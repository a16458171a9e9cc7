// extends of built-ins: Error (instanceof, message, name, stack-less checks) and Array.
class AppError extends Error {
  constructor(msg, code) { super(msg); this.name = 'AppError'; this.code = code; }
  describe() { return this.name + ': ' + this.message + ' #' + this.code; }
}
class NotFound extends AppError { constructor(what) { super(what + ' not found', 404); } }
export default function () {
  let caught = null;
  try { throw new NotFound('page'); } catch (e) { caught = e; }
  return [caught instanceof NotFound, caught instanceof AppError, caught instanceof Error,
    caught.message, caught.code, caught.describe(), String(caught), Object.prototype.toString.call(caught)];
}
// expect: [true,true,true,"page not found",404,"AppError: page not found #404","AppError: page not found","[object Error]"]
