// Drives lib/api.js against routes the test controls: problem details, slow answers, timeouts, failures.
async () => {
  const api = await import("/static/js/lib/api.js");
  const attempt = async (fn) => {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      return { ok: false, name: e.name, code: e.code, status: e.status, message: e.message, extra: e.extra };
    }
  };
  let slowCalls = 0;
  return {
    problem: await attempt(() => api.postJson("/test/problem", { a: 1 })),
    slowThenOk: await attempt(() => api.getJson("/test/slow", { slowMs: 100, onSlow: () => slowCalls++ })),
    slowCalls,
    timeout: await attempt(() => api.getJson("/test/slow", { slowMs: 50, timeoutMs: 300, onSlow: () => {} })),
    network: await attempt(() => api.getJson("/test/down")),
    login: await attempt(() => api.postJson("/api/auth/login", { username: "nobody", password: "wrong-password" })),
    text: await attempt(() => api.getText("/static/img/favicon.svg")),
  };
}
