// Private fields, methods, accessors, static privates and `#x in obj`.
class Account {
  #balance = 0;
  static #created = 0;
  constructor(b) { this.#balance = b; Account.#created++; }
  #fee(x) { return x / 10; }
  get #net() { return this.#balance - this.#fee(this.#balance); }
  withdraw(x) { this.#balance -= x; return this.#net; }
  static has(o) { return #balance in o; }
  static created() { return Account.#created; }
}
export default function () {
  const a = new Account(100);
  let err = null;
  try { Account.prototype.withdraw.call({}, 1); } catch (e) { err = e instanceof TypeError; }
  return [a.withdraw(50), Account.has(a), Account.has({}), Account.created(), Object.keys(a), JSON.stringify(a), err];
}
// expect: [45,true,false,1,[],"{}",true]
