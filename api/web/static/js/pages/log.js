// A public log's latest checkpoint, verified here with the log's published key; its witnesses'
// cosignatures; and the time of its newest record, itself proven to be in the checkpoint.

import { getCrypto, describeProvider } from "../lib/crypto.js";
import { ApiError, getJson } from "../lib/api.js";
import { $, busy, el, notice, pageData, ready } from "../lib/ui.js";
import { CheckFailed, checkpointTime, chinaTime, hex, latestCheckpoint, publishedKeys, verifyCheckpoint } from "./ledger-check.js";

const { scope, origin } = pageData();
const status = $("#checkpoint-status");
const text = $("#checkpoint-text");
const facts = $("#checkpoint-facts");

function fact(term, value) {
  facts.append(el("dt", {}, term), el("dd", {}, value));
}

function showWitnesses(witnesses) {
  const region = $("#witnesses");
  const heading = el("h3", {}, "见证人副签");
  if (!witnesses.length) {
    region.replaceChildren(heading, el("p", { class: "muted small" }, "该检查点暂无见证人副签。见证人独立核对日志只增不改后会在检查点上副签。"));
    return;
  }
  const list = el("ul", { class: "plain" });
  for (const w of witnesses) {
    list.append(el("li", {}, w.verified
      ? `✓ ${w.name}：副签有效（${chinaTime(new Date(w.time * 1000).toISOString())}）`
      : `? ${w.name}：未公布其公钥，无法核验`));
  }
  region.replaceChildren(heading, list);
}

async function main() {
  const step = busy(status, "正在获取并核验检查点……");
  const options = { onSlow: step.slow };
  try {
    const provider = await getCrypto();
    const [note, keys] = await Promise.all([latestCheckpoint(scope, options), publishedKeys(provider, origin, options)]);
    text.textContent = note;
    text.hidden = false;
    const opened = await verifyCheckpoint(provider, note, origin, keys);
    const time = await checkpointTime(provider, scope, opened.checkpoint, options);
    step.done();
    const box = notice(status, "ok", "检查点签名有效", `已在您的浏览器中用日志公钥核验（${describeProvider(provider)}）。`);
    box.id = "checkpoint-verdict";
    box.dataset.verdict = "verified";
    fact("记录数", `${opened.checkpoint.size} 条`);
    fact("根哈希", el("code", { class: "break" }, hex(opened.checkpoint.rootHash)));
    fact("检查点时间", time ? `${chinaTime(time)}（其最新记录的时间）` : "—");
    fact("签名密钥指纹", el("strong", { class: "mono nowrap" }, opened.signer.fingerprint));
    fact("签名密钥", `${opened.signer.label}（${opened.signer.name}）`);
    facts.hidden = false;
    showWitnesses(opened.witnesses);
  } catch (error) {
    step.done();
    if (error instanceof CheckFailed) {
      const box = notice(status, "error", "未通过验证", error.message);
      box.id = "checkpoint-verdict";
      box.dataset.verdict = "failed";
    } else if (error instanceof ApiError) {
      notice(status, "error", "无法获取检查点", error.message);
    } else {
      throw error;
    }
  }
}

ready();
main();
