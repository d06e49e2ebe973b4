// Find my ballot: everything the verdict rests on is recomputed here, in the voter's browser.
//
// tracking code ─SHA-256(JCS)→ the ballot inside the log entry ─(0x00 ‖ bytes)→ leaf hash
//   ─inclusion proof→ root ─log key (fingerprint shown)→ signed checkpoint ─witnesses→ cosignatures

import { fromB64u, hex, utf8 } from "../lib/bytes.js";
import { canonicalize } from "../lib/jcs.js";
import { getCrypto, describeProvider } from "../lib/crypto.js";
import { ApiError, getJson } from "../lib/api.js";
import { $, busy, el, fieldError, notice, pageData, ready } from "../lib/ui.js";
import {
  CheckFailed,
  checkInclusion,
  checkpointTime,
  chinaTime,
  fetchEntry,
  fetchProof,
  publishedKeys,
  shortHash,
  verifyCheckpoint,
} from "./ledger-check.js";

const CODE = /^[0-9a-f]{64}$/;
const DISPOSITIONS = {
  counted: "计入统计",
  superseded: "已被您之后投出的选票取代（以最后一票为准），本票不计入",
  over_limit: "超出投票次数限制，不计入",
  disqualified: "经组织方核实后作废，不计入",
  revoked: "所用凭证已注销，不计入",
};
const FAILED_CHECK = {
  missing: "跟踪码不在日志中",
  entry: "日志记录缺失",
  ballot: "选票与跟踪码不符",
  inclusion: "包含证明与根哈希不符",
  signature: "检查点签名无效",
};
const CHANNELS = { staff: "职工凭证投票", public: "公众（手机）投票" };

const form = $("#verify-form");
const campaignField = $("#campaign");
const codeField = $("#code");
const status = $("#verify-status");
const result = $("#verify-result");
const button = $("#verify-button");

/** The tracking code as typed or pasted: spaces, line breaks and dashes dropped, case ignored. */
export function normaliseCode(text) {
  return String(text).replace(/[\s-]/g, "").toLowerCase();
}

function checkFields() {
  fieldError(campaignField, "");
  fieldError(codeField, "");
  const code = normaliseCode(codeField.value);
  let ok = true;
  if (!campaignField.value) {
    fieldError(campaignField, "请选择评选活动。");
    ok = false;
  }
  if (!code) {
    fieldError(codeField, "请输入回执上的跟踪码。");
    ok = false;
  } else if (!CODE.test(code)) {
    const bad = [...new Set(code.replace(/[0-9a-f]/g, ""))].join(" ");
    fieldError(codeField, bad
      ? `跟踪码格式不正确：只含数字 0–9 和字母 a–f，不会出现 ${bad}。`
      : `跟踪码格式不正确：应为 64 位，您输入了 ${code.length} 位。`);
    ok = false;
  }
  return ok ? { campaign: campaignField.value, code } : null;
}

/** The ballot in the entry must be the one the tracking code names, and (staff) signed by its key. */
async function checkBallot(provider, entry, code, scope, index) {
  const e = entry.json;
  if (e.scope !== scope || e.index !== index || e.type !== "selection:ballot:accepted" || !e.payload?.ballot) {
    throw new CheckFailed("ballot", "日志中该位置的记录不是这张选票。");
  }
  const ballot = e.payload.ballot;
  const computed = hex(await provider.sha256(utf8(canonicalize(ballot))));
  if (computed !== code) throw new CheckFailed("ballot", "日志记录中的选票与您的跟踪码不符。");
  if (e.payload.channel === "staff") {
    let ok = false;
    try {
      const key = fromB64u(ballot.payload.credential, 32);
      const signature = fromB64u(ballot.signature, 64);
      ok = await provider.ed25519.verify(key, utf8(canonicalize(ballot.payload)), signature);
    } catch {
      ok = false;
    }
    if (!ok) throw new CheckFailed("ballot", "日志中这张选票的签名无效。");
  }
  return e;
}

function fact(list, term, value) {
  list.append(el("dt", {}, term), el("dd", {}, value));
}

function witnessList(witnesses) {
  if (!witnesses.length) return el("span", { class: "muted" }, "暂无见证人副签");
  const list = el("ul", { class: "plain" });
  for (const w of witnesses) {
    list.append(el("li", {}, w.verified
      ? `✓ ${w.name}（副签有效，${chinaTime(new Date(w.time * 1000).toISOString())}）`
      : `? ${w.name}（未公布其公钥，无法核验）`));
  }
  return list;
}

function showVerified(v) {
  const facts = el("dl", { class: "facts" });
  fact(facts, "记录位置", `第 ${v.index} 条（从 0 起）`);
  fact(facts, "投票方式", CHANNELS[v.entry.payload.channel] || v.entry.payload.channel);
  fact(facts, "记入时间", chinaTime(v.entry.time));
  fact(facts, "检查点大小", `${v.checkpoint.size} 条记录`);
  fact(facts, "根哈希", el("code", { class: "break" }, shortHash(v.checkpoint.rootHash)));
  fact(facts, "检查点时间", v.time ? `${chinaTime(v.time)}（其最新记录的时间）` : "—");
  fact(facts, "签名密钥指纹", el("strong", { class: "mono nowrap", id: "signer-fingerprint" }, v.signer.fingerprint));
  fact(facts, "签名密钥", `${v.signer.label}（${v.signer.name}）`);
  fact(facts, "见证人", witnessList(v.witnesses));
  if (v.disposition) fact(facts, "封存后的处理", DISPOSITIONS[v.disposition] || v.disposition);
  else fact(facts, "封存后的处理", "投票尚未封存，封存后可在此查到本票是否计入");
  fact(facts, "核验方式", describeProvider(v.provider));
  const box = notice(result, "ok", "您的选票已记入日志",
    "本页已在您的浏览器中重新计算：跟踪码与日志中的选票一致，包含证明与检查点根哈希一致，检查点签名有效。",
    facts,
    el("p", { class: "small" }, "请核对签名密钥指纹与公示文件上印的“日志签名公钥指纹”是否一致。"));
  box.id = "verify-verdict";
  box.dataset.verdict = "verified";
}

function showFailed(heading, message) {
  const box = notice(result, "error", "未通过验证", el("p", { class: "failed-check" }, heading), message);
  box.id = "verify-verdict";
  box.dataset.verdict = "failed";
}

async function verify({ campaign, code }) {
  const step = busy(status, "正在从日志取证明并在本机核验……", [button]);
  const options = { onSlow: step.slow };
  result.hidden = true;
  try {
    const provider = await getCrypto();
    let found;
    try {
      found = await getJson(`/api/public/campaigns/${encodeURIComponent(campaign)}/ballots/${code}`, options);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        throw new CheckFailed("missing", "此跟踪码不在该评选的日志中。请核对评选活动和跟踪码；投票被拒绝时不会产生回执。");
      }
      throw error;
    }
    const scope = `campaign-${campaign}`;
    if (found.scope !== scope || found.tracking_code !== code) {
      throw new CheckFailed("missing", "服务器返回的记录不属于该评选。");
    }
    const [info, entry, proof] = await Promise.all([
      getJson(`/api/ledger/scopes/${encodeURIComponent(scope)}`, options),
      fetchEntry(scope, found.index, options),
      fetchProof(scope, found.index, null, options),
    ]);
    const keys = await publishedKeys(provider, info.origin, options);
    const opened = await verifyCheckpoint(provider, proof.checkpoint, info.origin, keys);
    const e = await checkBallot(provider, entry, code, scope, found.index);
    await checkInclusion(provider, proof, found.index, entry.bytes, opened.checkpoint);
    const time = await checkpointTime(provider, scope, opened.checkpoint, options);
    showVerified({ ...opened, index: found.index, entry: e, time, disposition: found.disposition, provider });
  } catch (error) {
    if (error instanceof CheckFailed) showFailed(FAILED_CHECK[error.check] || "核验失败", error.message);
    else if (error instanceof ApiError) notice(result, "error", "无法完成核验", error.message);
    else throw error;
  } finally {
    step.done();
  }
}

function fillFromReceipt(text) {
  let url;
  try {
    url = new URL(text, location.href);
  } catch {
    return false;
  }
  const campaign = url.searchParams.get("campaign");
  const code = url.searchParams.get("code");
  if (!campaign || !code) return false;
  campaignField.value = campaign;
  codeField.value = code;
  return true;
}

function setUpScanner() {
  if (!("BarcodeDetector" in globalThis) || !navigator.mediaDevices?.getUserMedia) return;
  const scan = $("#scan-button");
  const box = $("#scanner");
  const video = $("#scanner-video");
  let stream = null;
  const stop = () => {
    if (stream) for (const t of stream.getTracks()) t.stop();
    stream = null;
    box.hidden = true;
  };
  scan.hidden = false;
  scan.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch {
      notice(result, "warn", "无法打开摄像头", "请允许本页使用摄像头，或直接输入跟踪码。");
      return;
    }
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    box.hidden = false;
    video.srcObject = stream;
    await video.play();
    while (stream) {
      const codes = await detector.detect(video).catch(() => []);
      const hit = codes.find((c) => fillFromReceipt(c.rawValue));
      if (hit) {
        stop();
        form.requestSubmit();
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  $("#scan-stop").addEventListener("click", stop);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const fields = checkFields();
  if (!fields) return;
  codeField.value = fields.code;
  history.replaceState(null, "", `/verify?campaign=${encodeURIComponent(fields.campaign)}&code=${fields.code}${location.search.includes("crypto=") ? `&crypto=${new URLSearchParams(location.search).get("crypto")}` : ""}`);
  verify(fields).catch((error) => notice(result, "error", "核验时出错", String(error.message || error)));
});

setUpScanner();
ready();
if (pageData().autostart) form.requestSubmit();
