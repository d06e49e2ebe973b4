// The 公示 page: the real-name objection form. Checks lengths as the server's schema does, shows the
// server's refusals at the fields they concern, and shows the log's signed receipt once accepted.
import { postJson } from "../lib/api.js";
import { $, busy, el, fieldError, notice, pageData, ready } from "../lib/ui.js";

const data = pageData();
const form = $("#objection-form");
const REFUSALS = {
  anonymous: ["name", "异议须署真实姓名，匿名异议不予受理。"],
  no_contact: ["contact", "请留下联系方式，以便受理部门向您核实情况。"],
  before_window: [null, "公示尚未开始，暂不受理异议。"],
  after_window: [null, "公示期已结束，不再受理异议。"],
};
const FIELD_ZH = { candidate: "异议对象", name: "真实姓名", unit: "工作单位", contact: "联系方式", content: "异议内容" };

const chars = (text) => [...text].length; // the server counts characters, not UTF-16 units

function values() {
  const get = (id) => $(`#${id}`).value;
  return { candidate: get("candidate"), name: get("name").trim(), unit: get("unit").trim(), contact: get("contact").trim(), content: get("content").trim() };
}

/** Client-side checks mirroring ObjectionIn and the service's real-name rule; {field: message}. */
function problems(v) {
  const found = {};
  if (!v.candidate) found.candidate = "请选择异议对象。";
  if (!v.name) found.name = "请填写真实姓名，匿名异议不予受理。";
  if (!v.contact) found.contact = "请填写联系方式（手机号、电话或通信地址）。";
  if (!v.content) found.content = "请写明异议的具体内容。";
  for (const [field, limit] of Object.entries(data.limits)) {
    if (!found[field] && chars(v[field]) > limit) found[field] = `${FIELD_ZH[field]}最多 ${limit} 字，现在是 ${chars(v[field])} 字。`;
  }
  return found;
}

function showErrors(found) {
  for (const field of Object.keys(FIELD_ZH)) fieldError($(`#${field}`), found[field] || "");
  const first = Object.keys(FIELD_ZH).find((f) => found[f]);
  if (first) $(`#${first}`).focus();
}

/** The server's answer to a refused objection, put where it belongs: at a field or above the form. */
function serverErrors(error) {
  const found = {};
  const general = [];
  if (error.code === "objection-refused" && Array.isArray(error.extra.codes)) {
    for (const code of error.extra.codes) {
      const [field, message] = REFUSALS[code] || [null, error.message];
      if (field) found[field] = message;
      else general.push(message);
    }
  } else if (error.code === "validation-failed" && Array.isArray(error.extra.errors)) {
    for (const e of error.extra.errors) {
      const field = Object.keys(FIELD_ZH).find((f) => String(e.message || "").includes(`$.${f}`) || e.key === f);
      if (field) found[field] = `${FIELD_ZH[field]}格式不正确或过长。`;
      else general.push(error.message);
    }
  } else if (error.status === 404) {
    found.candidate = "找不到这位公示对象，请刷新页面后重新选择。";
  } else {
    general.push(error.message);
  }
  return { found, general };
}

function showReceipt(receipt) {
  form.hidden = true;
  const lines = [
    `异议编号：${receipt.id}。受理部门将核实情况并与您联系。`,
    "下面是公开日志签发的回执，证明您的异议已记入日志（日志只记录异议内容的摘要，不记录您的姓名和联系方式）。请截图或复制保存：",
    el("pre", { class: "receipt", tabindex: "0" }, receipt.receipt),
    el("p", {}, "可在 ", el("a", { href: `/logs/${data.log}` }, "公开日志"), " 中核验这条记录。"),
  ];
  const box = notice($("#objection-result"), "ok", "异议已受理", ...lines);
  box.setAttribute("tabindex", "-1");
  box.focus();
}

async function submit(event) {
  event.preventDefault();
  const v = values();
  const found = problems(v);
  showErrors(found);
  const result = $("#objection-result");
  result.hidden = true;
  if (Object.keys(found).length) return;
  const state = busy($("#objection-status"), "正在提交…", [$("#objection-submit")]);
  try {
    const receipt = await postJson(`/api/public/campaigns/${data.campaign}/objections`, v, { onSlow: state.slow });
    state.done();
    showReceipt(receipt);
  } catch (error) {
    state.done();
    const { found: atFields, general } = serverErrors(error);
    showErrors(atFields);
    if (general.length) notice(result, "error", "异议未能提交", ...general);
  }
}

function countContent() {
  const n = chars($("#content").value);
  $("#content-count").textContent = `已写 ${n} / ${data.limits.content} 字`;
}

if (form) {
  form.addEventListener("submit", submit);
  $("#content").addEventListener("input", countContent);
  countContent();
}
ready();
