// Staff voter page: credential (QR link fragment, typed or scanned) → choose → review → sign → receipt.
// The credential never leaves the browser: the key is derived here and only the signed ballot is sent.

import { ApiError, getJson, postJson } from "../lib/api.js";
import { signBallot } from "../lib/ballot.js";
import { CredentialTypo, credentialFromFragment, deriveVoterKey, formatCredential, normaliseCredential } from "../lib/credential.js";
import { describeProvider, getCrypto } from "../lib/crypto.js";
import { $, busy, fieldError, notice, pageData, ready } from "../lib/ui.js";
import { offerResend, resetSubmit, setupChoices, showReceipt, showReview, showStep, unanswered } from "./vote_common.js";

const data = pageData();
const input = $("#credential");
const status = $("#credential-status");
let provider = null;
let key = null;
let choices = [];
let cast = 0;

function refuse(heading, text, fieldText) {
  notice(status, "error", heading, text);
  fieldError(input, fieldText);
  input.focus();
}

/** Typo check, key derivation, and the look-up in the public credential list before any voting. */
async function useCredential(text) {
  fieldError(input, "");
  status.hidden = true;
  let normal;
  try {
    normal = normaliseCredential(text);
  } catch (error) {
    if (!(error instanceof CredentialTypo)) throw error;
    fieldError(input, error.message);
    input.focus();
    return;
  }
  input.value = formatCredential(normal);
  const state = busy(status, "正在本机计算投票密钥并核对凭证名单…", [$("#credential-next")]);
  try {
    provider = provider || (await getCrypto());
    const derived = await deriveVoterKey(provider, normal, data.uid);
    const list = await getJson(`/api/public/campaigns/${data.id}/credentials`, { onSlow: state.slow });
    state.done();
    const entry = list.find((c) => c.key_id === derived.keyId);
    if (!entry) {
      refuse("凭证无效", "这个凭证不在本次评选的凭证名单中。请核对凭证单上的评选名称是否为本评选；如确认无误，请联系本单位的凭证管理员。", "凭证无效：不属于本次评选。");
      return;
    }
    if (entry.revoked) {
      refuse("凭证已作废", "这个凭证已被作废（例如挂失后已补发新凭证），不能再投票。请使用补发的新凭证。", "凭证已作废。");
      return;
    }
    key = derived;
    const info = $("#key-info");
    info.textContent = `凭证有效。密钥指纹 ${derived.fingerprint}（应与凭证单上印的指纹一致）。签名方式：${describeProvider(provider)}。`;
    info.hidden = false;
    showStep("choose");
  } catch (error) {
    state.done();
    notice(status, "error", "无法继续", error.message || String(error));
  }
}

/**
 * The signed ballot not yet acknowledged. A retry after a lost answer resends these exact bytes, so
 * a ballot that did reach the server is not cast a second time (the server refuses an identical
 * ballot as a duplicate, and the page then shows the receipt of the one already in the log).
 */
let pending = null;

function receiptShown(receipt, localCode) {
  pending = null;
  cast += 1;
  const revote = $("#revote");
  revote.hidden = cast > data.revotes;
  const hint = $("#revote-hint");
  hint.hidden = revote.hidden;
  hint.textContent = data.revotes >= 1000 ? "如需修改，可重新投票，以最后一次提交的选票为准。" : `本评选允许改票 ${data.revotes} 次，以最后一次提交的选票为准。`;
  return showReceipt(data, receipt, { choices, localCode, extra: [`签名方式：${describeProvider(provider)}。`] });
}

/** The ballot was already received (an earlier answer got lost): its receipt, from the log. */
async function recovered(signed) {
  const found = await getJson(`/api/public/campaigns/${data.id}/ballots/${signed.trackingCode}`);
  const receipt = { tracking_code: found.tracking_code, scope: found.scope, index: found.index, time: found.accepted_at || "" };
  await receiptShown(receipt, signed.trackingCode);
}

async function submit() {
  const region = $("#submit-status");
  const state = busy(region, "正在本机签名并提交选票…", [$("#review-submit"), $("#review-back")]);
  try {
    pending = pending || (await signBallot(provider, key, { campaign: data.uid, choices, rules: data.rules_hash }));
    const receipt = await postJson(`/api/public/campaigns/${data.id}/ballots`, pending.body, { onSlow: state.slow });
    state.done();
    await receiptShown(receipt, pending.trackingCode);
  } catch (error) {
    state.done();
    if (error instanceof ApiError && error.extra.reason_code === "duplicate_ballot" && pending) {
      try {
        await recovered(pending);
      } catch (lookup) {
        notice(region, "error", "选票此前已送达", `跟踪码 ${pending.trackingCode}`, `暂时无法取回回执（${lookup.message}），请稍后在“查询我的选票”中用此跟踪码查询。`);
      }
      return;
    }
    if (unanswered(error)) {
      offerResend(region, error, "重新提交同一张选票",
        "选票可能已经送达。请点“重新提交同一张选票”：发送的是同一张已签名的选票，不会重复计票。");
      return;
    }
    pending = null;
    notice(region, "error", "投票未成功", error.message || String(error));
  }
}

/** The credential sheet's QR code, read with the browser's own BarcodeDetector (no vendored decoder). */
function setupScanner() {
  const button = $("#scan");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return;
  button.hidden = false;
  const box = $("#scan-box");
  const video = $("#scan-video");
  let stream = null;
  const stop = () => {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    box.hidden = true;
  };
  $("#scan-stop").addEventListener("click", stop);
  button.addEventListener("click", async () => {
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      box.hidden = false;
      await video.play();
      while (stream) {
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length) {
          const raw = codes[0].rawValue;
          stop();
          scanned(raw);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (error) {
      stop();
      notice(status, "error", "无法使用摄像头", "请允许浏览器使用摄像头，或直接输入凭证单上的凭证。");
    }
  });
}

function scanned(raw) {
  let credential = raw;
  try {
    const url = new URL(raw);
    const uid = decodeURIComponent(url.pathname.split("/vote/")[1] || "").split("/")[0];
    if (uid && uid !== data.uid) {
      notice(status, "error", "二维码不属于本评选", "这张凭证单属于另一次评选，请用对应评选的凭证单。");
      return;
    }
    credential = credentialFromFragment(url.hash);
  } catch {
    // not a link: the code holds the credential itself
  }
  input.value = credential;
  useCredential(credential);
}

function start() {
  const fromLink = credentialFromFragment(location.hash);
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  $("#credential-form").addEventListener("submit", (event) => {
    event.preventDefault();
    useCredential(input.value);
  });
  setupChoices(data, (picked) => {
    choices = picked;
    pending = null; // new choices: a new ballot
    resetSubmit();
    showReview(data, choices);
  });
  $("#review-back").addEventListener("click", () => showStep("choose"));
  $("#review-submit").addEventListener("click", submit);
  $("#revote").addEventListener("click", () => showStep("choose"));
  setupScanner();
  ready();
  if (fromLink) {
    input.value = fromLink;
    useCredential(fromLink);
  }
}

start();
