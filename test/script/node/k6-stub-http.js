// A stand-in for k6/http under node: get() answers like httpbin's /get
// without a network (the real requests are the runner's business).
function response(url) {
  const body = { args: Object.fromEntries(new URL(url).searchParams) };
  return {
    status: 200,
    url,
    json(selector) {
      return selector ? selector.split('.').reduce((o, k) => (o == null ? o : o[k]), body) : body;
    },
  };
}
export default { get: (url) => response(url) };
