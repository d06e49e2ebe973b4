// Small page helpers: busy and slow-network states, error notices, page data, "ready" for boot.js.

/** Tell boot.js the page's script started, so its "still loading" banner never shows. */
export function ready() {
  document.documentElement.setAttribute("data-ready", "1");
}

/** The JSON a template put in <script type="application/json" id="…"> (CSP forbids inline code). */
export function pageData(id = "page-data") {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : {};
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
}
export { el };

/**
 * Show a busy state in `region` (an element with role=status) and disable `buttons` until done.
 * Returns {slow(), done()}: slow() switches the text to the slow-network message.
 */
export function busy(region, text, buttons = []) {
  region.replaceChildren(el("div", { class: "loading" }, el("span", { class: "spinner", "aria-hidden": "true" }), el("span", {}, text)));
  region.hidden = false;
  region.setAttribute("aria-busy", "true");
  for (const b of buttons) b.disabled = true;
  return {
    slow() {
      const label = region.querySelector(".loading span:last-child");
      if (label) label.textContent = `${text}（网络较慢，请稍候，不要关闭页面）`;
    },
    done() {
      region.replaceChildren();
      region.hidden = true;
      region.removeAttribute("aria-busy");
      for (const b of buttons) b.disabled = false;
    },
  };
}

/** A notice box (kind: ok, error, warn, info) with a heading and lines of text; replaces `region`'s content. */
export function notice(region, kind, heading, ...lines) {
  const box = el("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" });
  if (heading) box.append(el("h3", {}, heading));
  for (const line of lines) box.append(line instanceof Node ? line : el("p", {}, line));
  region.replaceChildren(box);
  region.hidden = false;
  return box;
}

/** Mark an input invalid with a message read out by screen readers; clear with message = "". */
export function fieldError(input, message) {
  const id = `${input.id}-error`;
  let box = document.getElementById(id);
  if (!message) {
    input.removeAttribute("aria-invalid");
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = el("p", { id, class: "field-error", role: "alert" });
    input.insertAdjacentElement("afterend", box);
  }
  box.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
}
