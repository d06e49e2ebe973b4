// Public (phone) voter page: phone → one-time code → choose → review → submit → receipt.
// Phone ballots are not signed by the voter: the server vouches for them with the verified phone.

import { ApiError, postJson } from "../lib/api.js";
import { b64u, randomBytes } from "../lib/bytes.js";
import { $, busy, fieldError, notice, pageData, ready } from "../lib/ui.js";
import { offerResend, resetSubmit, setupChoices, showReceipt, showReview, showStep, unanswered } from "./vote_common.js";

const data = pageData();
const phoneInput = $("#phone");
const codeInput = $("#code");
const status = $("#phone-status");
const base = `/api/public/campaigns/${data.id}`;
let phone = "";
let token = "";
let choices = [];

/** The 11 digits of a mainland mobile number, or "" (spaces, dashes and +86 are allowed). */
export function mobileDigits(text) {
  const digits = String(text).replace(/[\s-]/g, "").replace(/^(\+?86)(?=1\d{10}$)/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : "";
}

const masked = (digits) => `${digits.slice(0, 3)}****${digits.slice(7)}`;

function windowMessage(error) {
  const reason = error instanceof ApiError ? error.extra.reason_code : "";
  if (reason === "outside_window") return "现在不在投票时间内，请刷新页面查看投票安排。";
  if (reason === "channel_closed") return "本评选未开放公众投票。";
  return error.message || String(error);
}

function backToPhone() {
  token = "";
  $("#code-form").hidden = true;
  $("#phone-form").hidden = false;
  codeInput.value = "";
  fieldError(codeInput, "");
  showStep("phone");
  phoneInput.focus();
}

async function sendCode(event) {
  event.preventDefault();
  fieldError(phoneInput, "");
  const digits = mobileDigits(phoneInput.value);
  if (!digits) {
    fieldError(phoneInput, "请输入 11 位中国大陆手机号，例如 138 0013 8000。");
    phoneInput.focus();
    return;
  }
  const state = busy(status, "正在发送验证码…", [$("#phone-send")]);
  try {
    await postJson(`${base}/phone-codes`, { phone: digits }, { onSlow: state.slow });
    state.done();
    phone = digits;
    $("#phone-form").hidden = true;
    $("#code-form").hidden = false;
    // beside the code field, not in the status region: it must stay while the code is checked
    $("#code-sent").textContent = `验证码已发送至 ${masked(digits)}，5 分钟内有效。`;
    codeInput.focus();
  } catch (error) {
    state.done();
    if (error instanceof ApiError && error.code === "invalid-input") {
      fieldError(phoneInput, "这不是有效的中国大陆手机号，请检查后重新输入。");
      phoneInput.focus();
      return;
    }
    notice(status, "error", "未能发送验证码", windowMessage(error));
  }
}

async function checkCode(event) {
  event.preventDefault();
  fieldError(codeInput, "");
  const code = codeInput.value.replace(/\s/g, "");
  if (!/^\d{6}$/.test(code)) {
    fieldError(codeInput, "验证码是短信中的 6 位数字。");
    codeInput.focus();
    return;
  }
  const state = busy(status, "正在验证…", [$("#code-check"), $("#phone-change")]);
  try {
    const answer = await postJson(`${base}/phone-codes/verify`, { phone, code }, { onSlow: state.slow });
    state.done();
    token = answer.token;
    status.hidden = true;
    showStep("choose");
  } catch (error) {
    state.done();
    if (error instanceof ApiError && error.code === "phone-code-invalid") {
      const left = Number(error.extra.attempts_left || 0);
      if (left > 0) {
        fieldError(codeInput, `验证码不正确，还可以再试 ${left} 次。`);
        codeInput.focus();
      } else {
        backToPhone();
        notice(status, "error", "验证码已失效", "验证码已过期或输错次数过多，请重新获取验证码。");
      }
      return;
    }
    notice(status, "error", "验证未成功", windowMessage(error));
  }
}

/**
 * The id of the submission not yet answered. A retry after a lost answer sends the same id, and the
 * server returns the receipt of the ballot it already logged instead of refusing a second one.
 */
let requestId = null;

async function submit() {
  const region = $("#submit-status");
  const state = busy(region, "正在提交选票…", [$("#review-submit"), $("#review-back")]);
  requestId = requestId || b64u(randomBytes(16));
  try {
    const body = { token, choices, request_id: requestId };
    const receipt = await postJson(`${base}/phone-ballots`, body, { onSlow: state.slow });
    state.done();
    requestId = null;
    await showReceipt(data, receipt, { choices, localCode: null });
  } catch (error) {
    state.done();
    if (unanswered(error)) {
      offerResend(region, error, "重新提交",
        "选票可能已经送达。请点“重新提交”：服务器认得这次提交，不会重复计票，会给出原来的回执。");
      return;
    }
    requestId = null;
    if (error instanceof ApiError && error.code === "vote-token-invalid") {
      backToPhone();
      notice(status, "error", "手机验证已过期", "验证后需在 15 分钟内提交。请重新获取验证码。");
      return;
    }
    const lines = [windowMessage(error)];
    const reason = error instanceof ApiError ? error.extra.reason_code : "";
    if (reason === "over_phone_cap") lines.push("每个手机号每天的投票次数有限，请明天再来。您今天已投的选票有效。");
    if (reason === "over_ip_cap") lines.push("同一网络今天投出的选票已达上限，请明天再试或换用手机流量网络。");
    notice(region, "error", "投票未成功", ...lines);
  }
}

function start() {
  $("#phone-form").addEventListener("submit", sendCode);
  $("#code-form").addEventListener("submit", checkCode);
  $("#phone-change").addEventListener("click", () => {
    status.hidden = true;
    backToPhone();
  });
  setupChoices(data, (picked) => {
    choices = picked;
    requestId = null; // new choices: a new submission
    resetSubmit();
    showReview(data, choices);
  });
  $("#review-back").addEventListener("click", () => showStep("choose"));
  $("#review-submit").addEventListener("click", submit);
  ready();
}

start();
