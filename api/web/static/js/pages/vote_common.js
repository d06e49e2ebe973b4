// What the staff and the phone voter pages share: steps, the choice of candidates, review, receipt.

import { ApiError, getJson } from "../lib/api.js";
import { $, $$, el, notice } from "../lib/ui.js";

const STEPS = ["credential", "phone", "choose", "review", "receipt"];

/** Show one step, mark it in the step list, and move focus to its heading (screen readers follow). */
export function showStep(name, { focus = true } = {}) {
  for (const step of STEPS) {
    const section = document.getElementById(`step-${step}`);
    if (section) section.hidden = step !== name;
  }
  for (const li of $$(".steps li")) {
    if (li.dataset.step === name) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  }
  const heading = $(`#step-${name} h2`);
  if (focus && heading) heading.focus();
}

/** True when a submission got no answer (timeout, dropped connection): it may have arrived. */
export function unanswered(error) {
  return error instanceof ApiError && (error.code === "timeout" || error.code === "network");
}

const submitLabel = () => $("#review-submit").dataset.label || $("#review-submit").textContent;

/** After an unanswered submission: the button now resends, and the page says why that is safe. */
export function offerResend(region, error, label, why) {
  const button = $("#review-submit");
  button.dataset.label = submitLabel();
  button.textContent = label;
  notice(region, "error", "没有收到服务器的答复", error.message, why);
}

/** New choices make a new submission: the button gets its own label back. */
export function resetSubmit() {
  $("#review-submit").textContent = submitLabel();
}

/** Tracking code in groups of four, so it can be read aloud and compared by eye. */
export function groupCode(code) {
  return code.match(/.{1,4}/g).join(" ");
}

function formatTime(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}

/**
 * The choice step: live "已选 k / N", over-selection refused with an explanation (the box is not
 * disabled, so it stays reachable by keyboard and says why), too few refused at "next".
 * `onReview(choices)` receives the chosen candidate ids in ascending order.
 */
export function setupChoices(data, onReview) {
  const form = $("#choose-form");
  const boxes = $$("input[name=choice]", form);
  const count = $("#choose-count");
  const error = $("#choose-error");

  const chosen = () => boxes.filter((b) => b.checked).map((b) => b.value);
  const say = (text) => {
    error.textContent = text;
    error.hidden = !text;
  };
  const update = () => {
    const k = chosen().length;
    count.textContent = `已选 ${k} / ${data.max}`;
    count.classList.toggle("full", k === data.max);
    for (const box of boxes) box.closest(".candidate").classList.toggle("chosen", box.checked);
  };

  for (const box of boxes) {
    box.addEventListener("change", () => {
      if (box.checked && chosen().length > data.max) {
        box.checked = false;
        say(`最多只能选 ${data.max} 人。如要改选这位候选人，请先取消一位已选的候选人。`);
      } else {
        say("");
      }
      update();
    });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choices = chosen();
    if (choices.length < data.min) {
      say(`请至少选择 ${data.min} 人（已选 ${choices.length} 人）。`);
      (boxes.find((b) => !b.checked) || boxes[0])?.focus();
      return;
    }
    say("");
    onReview([...choices].sort());
  });
  update();
  return { reset: update };
}

export function candidateName(data, id) {
  const i = data.candidates.indexOf(id);
  return i >= 0 ? data.names[i] : id;
}

/** The review step's list of the chosen candidates. */
export function showReview(data, choices) {
  $("#review-count").textContent = String(choices.length);
  $("#review-list").replaceChildren(
    ...choices.map((id) => {
      const meta = document.getElementById(`meta-${id}`);
      return el("li", {}, el("strong", {}, candidateName(data, id)), " ", el("span", { class: "muted small" }, meta ? meta.textContent : ""));
    }),
  );
  $("#submit-status").hidden = true;
  showStep("review");
}

/**
 * The receipt: grouped tracking code, time, leaf index, the QR code of the find-my-ballot link
 * (drawn by the server), then a look-up confirming the server can find the ballot by its code.
 * `localCode` is the tracking code the browser computed itself (staff ballots), or null.
 */
export async function showReceipt(data, receipt, { choices, localCode, extra = [] }) {
  const code = receipt.tracking_code;
  const verifyUrl = `/verify?campaign=${data.id}&code=${code}`;
  $("#receipt-code").textContent = groupCode(code);
  $("#receipt-time").textContent = formatTime(receipt.time);
  $("#receipt-index").textContent = `公开日志第 ${receipt.index} 条（${receipt.scope}）`;
  $("#receipt-choices").textContent = choices.map((id) => candidateName(data, id)).join("、");
  $("#receipt-qr").src = `/vote/${encodeURIComponent(data.uid)}/receipt/${code}/qr.svg`;
  $("#receipt-verify").href = verifyUrl;
  const check = $("#receipt-check");
  if (localCode === null) {
    notice(check, "ok", "选票已记入公开日志", ...extra);
  } else if (localCode === code) {
    notice(check, "ok", "选票已记入公开日志", "回执上的跟踪码与本机计算的跟踪码一致：服务器记录的正是您签名的这张选票。", ...extra);
  } else {
    notice(check, "error", "跟踪码不一致", "服务器回执上的跟踪码与本机计算的不同。请截图保存本页，并联系评选主办单位。", ...extra);
  }
  showStep("receipt");
  const found = $("#receipt-found");
  found.replaceChildren();
  try {
    const status = await getJson(`/api/public/campaigns/${data.id}/ballots/${code}`);
    found.replaceChildren(el("p", { class: "small found-ok" }, `已核对：服务器可按跟踪码查到这张选票（日志第 ${status.index} 条）。`));
  } catch (error) {
    found.replaceChildren(el("p", { class: "small muted" }, `暂时无法按跟踪码查到选票（${error.message}），稍后可在“查询我的选票”中重试。`));
  }
}
