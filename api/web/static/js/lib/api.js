// Talking to yide's API from a page: timeouts, a "slow network" signal, RFC 9457 problems in Chinese.

const PROBLEM_PREFIX = "urn:yide:problem:";

const MESSAGES = {
  timeout: "网络超时：服务器没有及时响应。请检查网络后重试。",
  network: "无法连接服务器，请检查网络后重试。",
  "validation-failed": "提交的内容格式不正确。",
  "rate-limited": "操作过于频繁，请稍后再试。",
  "not-found": "找不到请求的内容。",
  unauthenticated: "请先登录。",
  "role-required": "当前账号无权进行此操作。",
  "internal-error": "服务器出错了，请稍后重试。",
};

const BY_STATUS = {
  400: "提交的内容有误。",
  403: "无权进行此操作。",
  404: "找不到请求的内容。",
  409: "内容已变化，请刷新页面后重试。",
  413: "提交的内容过大。",
  429: "操作过于频繁，请稍后再试。",
  503: "服务暂不可用，请稍后再试。",
};

/** A failed request: `code` is the problem type suffix (or "timeout"/"network"), `message` is Chinese. */
export class ApiError extends Error {
  constructor({ status = 0, code, title = "", detail = "", extra = {}, message }) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.extra = extra;
  }
}

function problemMessage(status, code, extra) {
  if (extra && typeof extra.reason_zh === "string") return extra.reason_zh;
  if (extra && typeof extra.message_zh === "string") return extra.message_zh;
  return MESSAGES[code] || BY_STATUS[status] || (status >= 500 ? MESSAGES["internal-error"] : "请求失败，请重试。");
}

async function toError(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    problem = {};
  }
  const type = typeof problem.type === "string" ? problem.type : "";
  const code = type.startsWith(PROBLEM_PREFIX) ? type.slice(PROBLEM_PREFIX.length) : `http-${response.status}`;
  const { type: _t, title, detail, status: _s, ...extra } = problem;
  return new ApiError({
    status: response.status,
    code,
    title: title || "",
    detail: detail || "",
    extra,
    message: problemMessage(response.status, code, extra),
  });
}

/**
 * fetch with a deadline. `onSlow()` is called once after `slowMs` without an answer, so the page can
 * say "the network is slow" instead of looking frozen; after `timeoutMs` the request is abandoned.
 * Resolves to the Response when it is 2xx, else rejects with ApiError.
 */
export async function request(url, { method = "GET", json, headers = {}, timeoutMs = 30000, slowMs = 3000, onSlow } = {}) {
  const controller = new AbortController();
  const slow = onSlow ? setTimeout(onSlow, slowMs) : null;
  const deadline = setTimeout(() => controller.abort(), timeoutMs);
  const init = { method, headers: { accept: "application/json", ...headers }, signal: controller.signal, credentials: "same-origin" };
  if (json !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const code = controller.signal.aborted ? "timeout" : "network";
    throw new ApiError({ code, message: MESSAGES[code], detail: String(error) });
  } finally {
    clearTimeout(slow);
    clearTimeout(deadline);
  }
  if (!response.ok) throw await toError(response);
  return response;
}

export async function getJson(url, options = {}) {
  return (await request(url, options)).json();
}

export async function postJson(url, json, options = {}) {
  const response = await request(url, { ...options, method: "POST", json });
  return response.status === 204 ? null : response.json();
}

export async function getText(url, options = {}) {
  return (await request(url, { ...options, headers: { accept: "text/plain", ...(options.headers || {}) } })).text();
}
