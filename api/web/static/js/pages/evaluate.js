// The inpatient evaluation form: one submission per stay, ratings per doctor and nurse.
import { postJson } from "../lib/api.js";
import { $, $$, busy, fieldError, notice, pageData, ready } from "../lib/ui.js";

const data = pageData();
const form = $("#evaluate-form");
const STAY = new RegExp(data.stay_pattern);

function ratings() {
  return $$("fieldset[data-staff]", form).flatMap((set) => {
    const chosen = $("input[type=radio]:checked", set);
    if (!chosen) return [];
    const comment = $("textarea", set).value.trim();
    return [{ staff_id: Number(set.dataset.staff), answer: chosen.value, comment }];
  });
}

function ratingsError(message) {
  const box = $("#ratings-error");
  box.textContent = message;
  box.hidden = !message;
}

function check(stay, given) {
  let ok = true;
  if (!stay) {
    fieldError($("#stay"), "请填写住院号。");
    ok = false;
  } else if (!STAY.test(stay)) {
    fieldError($("#stay"), "住院号只能包含数字、字母和短横线，最多 40 位。");
    ok = false;
  } else fieldError($("#stay"), "");
  ratingsError(given.length ? "" : "请至少评价一位医生或护士。");
  if (!ok) $("#stay").focus();
  return ok && given.length > 0;
}

function thanks(heading, text, kind = "ok") {
  form.hidden = true;
  const box = notice($("#evaluate-result"), kind, heading, text);
  box.setAttribute("tabindex", "-1");
  box.focus();
}

async function submit(event) {
  event.preventDefault();
  const stay = $("#stay").value.trim();
  const given = ratings();
  if (!check(stay, given)) return;
  $("#evaluate-result").hidden = true;
  const state = busy($("#evaluate-status"), "正在提交…", [$("#evaluate-submit")]);
  try {
    const answer = await postJson(`/api/public/wards/${encodeURIComponent(data.token)}/evaluations`, { stay, ratings: given }, { onSlow: state.slow });
    state.done();
    thanks("感谢您的评价！", `已收到您对 ${answer.ratings} 位医务人员的评价。祝您早日康复！`);
  } catch (error) {
    state.done();
    if (error.extra?.reason === "stay-already-evaluated") {
      fieldError($("#stay"), "这次住院已经评价过了，每次住院只能评价一次。");
      notice($("#evaluate-result"), "warn", "这次住院已经评价过了", "每次住院只能评价一次，感谢您的反馈。如住院号填错，请核对后重新填写。");
      $("#stay").focus();
    } else if (error.status === 409) {
      notice($("#evaluate-result"), "warn", "暂时不能评价", "本院的评价尚未开放，请稍后再试。");
    } else if (error.status === 404) {
      notice($("#evaluate-result"), "error", "评价链接已失效", "这个病区的评价链接已停用，请向护士站索取新的二维码。");
    } else if (error.code === "validation-failed") {
      notice($("#evaluate-result"), "error", "提交的内容有误", "请检查住院号和评价后重试。");
    } else {
      notice($("#evaluate-result"), "error", "评价未能提交", error.message);
    }
  }
}

form.addEventListener("submit", submit);
ready();
