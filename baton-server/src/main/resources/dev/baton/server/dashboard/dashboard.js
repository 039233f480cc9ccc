// The dashboard page: polls /dashboard/api/state every second and redraws what changed; actions are POSTs
// that carry the session's CSRF token. No framework: small DOM helpers, text only (never HTML from data).
"use strict";

const POLL_MS = 1000;
let state = null;
let csrf = null;
const drawn = {};
const versionColours = {};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "onclick") e.addEventListener("click", v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function table(id, head, rows) {
  const t = document.getElementById(id);
  t.replaceChildren(el("tr", {}, head.map(h => el("th", {}, h))),
    ...rows.map(r => el("tr", {}, r.map(c => el("td", {}, c)))));
  if (rows.length === 0) t.append(el("tr", {}, el("td", { colspan: head.length }, "none")));
}

function when(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : "-";
}

function left(iso) {
  if (!iso) return "-";
  const s = Math.max(0, Math.round((new Date(iso) - Date.now()) / 1000));
  return s >= 60 ? Math.floor(s / 60) + " m " + (s % 60) + " s" : s + " s";
}

function colour(v) {
  if (!(v in versionColours)) versionColours[v] = "v" + (Object.keys(versionColours).length % 4);
  return versionColours[v];
}

function say(text, error) {
  const m = document.getElementById("message");
  m.textContent = text;
  m.className = error ? "error" : "";
}

/** Draws part `key` only when its data changed, so buttons stay put between polls. */
function once(key, data, draw) {
  const json = JSON.stringify(data);
  if (drawn[key] !== json) {
    drawn[key] = json;
    draw(data);
  }
}

async function post(path, body) {
  const res = await fetch("/dashboard/api/" + path, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Baton-CSRF": csrf },
    body: JSON.stringify(body || {}),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error || res.status + " " + res.statusText);
  return answer;
}

function confirmThen(text, action) {
  const d = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  d.returnValue = "";
  d.onclose = () => {
    if (d.returnValue === "ok") action();
  };
  d.showModal();
}

function act(what, path, body, confirmation) {
  const run = () => post(path, body).then(a => {
    say(what + ": done" + (a.notChanged && a.notChanged.length ? "; not changed: "
      + a.notChanged.map(n => n.id + " (" + n.reason + ")").join(", ") : ""));
    poll();
  }).catch(e => say(what + ": " + e.message, true));
  if (confirmation) confirmThen(confirmation, run); else run();
}

function filterQuery() {
  const p = new URLSearchParams();
  for (const f of ["kind", "queue", "version"]) {
    const v = document.getElementById("filter-" + f).value.trim();
    if (v) p.set(f, v);
  }
  return p;
}

function drawApp(s) {
  document.getElementById("app-name").textContent = "Baton · " + s.app;
  document.getElementById("stable").textContent = "stable " + (s.stableVersion || "none");
  const r = s.rollout;
  const weights = r && Object.keys(r.weights || {}).length ? r.weights
    : (s.stableVersion ? { [s.stableVersion]: 100 } : {});
  const shares = r && Object.keys(r.jobShares || {}).length ? r.jobShares : weights;
  const bar = (label, m) => [el("div", {}, label), el("div", { class: "bar" },
    Object.entries(m).filter(([, w]) => w > 0).map(([v, w]) =>
      el("span", { class: colour(v), style: "width:" + w + "%", "data-version": v }, v + " " + w + "%")))];
  document.getElementById("traffic").replaceChildren(...bar("Traffic", weights), ...bar("Job shares", shares));
  const restarts = {};
  for (const slot of s.supervision || []) if (slot.instance) restarts[slot.instance] = slot.restarts;
  table("instances", ["instance", "version", "state", "ready", "restarts", "address"], s.instances.map(i => [
    i.id, i.version, el("span", { class: "state-" + i.state }, i.state), i.state === "READY" ? "yes" : "no",
    restarts[i.id] || 0, (i.host || "127.0.0.1") + ":" + i.port]));
}

function drawRollout(data) {
  const [r, events, stable] = data;
  const summary = document.getElementById("rollout-summary");
  const actions = document.getElementById("rollout-actions");
  if (!r) {
    summary.replaceChildren("No rollout yet.");
    actions.replaceChildren();
  } else {
    const p = r.progress;
    const now = [];
    if (p) {
      if (p.steps > 0) now.push("step " + p.step + "/" + p.steps);
      now.push(p.ready + "/" + p.wanted + " of " + r.version + " ready");
      if (p.pauseUntil) now.push("pause until " + when(p.pauseUntil));
      if (p.deadline && !r.paused) now.push("progress deadline " + when(p.deadline));
    }
    if (r.paused) now.push("held (paused)");
    summary.replaceChildren(...[
      el("div", {}, el("strong", { id: "rollout-title" }, "revision " + r.revision + ": "
        + (r.stableVersion || "nothing") + " → " + r.version), " · ", r.strategy, " · ",
        el("span", { id: "rollout-phase" }, r.phase), r.rollbackTo ? " · rollback to revision " + r.rollbackTo : ""),
      el("div", { id: "rollout-step" }, now.join(", ")),
      r.waiting ? el("div", { id: "rollout-waiting", class: "k-WAITING" }, "waiting: " + r.waiting) : null,
      r.verdict ? el("div", { id: "rollout-verdict" }, "analysis: " + r.verdict) : null,
      r.reason ? el("div", {}, "reason: " + r.reason) : null].filter(Boolean));
    const live = r.phase !== "SUCCEEDED" && r.phase !== "ROLLED_BACK";
    actions.replaceChildren(...(live ? [
      r.strategy !== "rolling" ? el("button", { id: "promote", class: "primary", onclick: () => act("promote", "promote", {},
        r.strategy === "canary" ? "Promote " + r.version + ": end the canary's current pause and go on to the next step."
          : "Promote " + r.version + ": swap all traffic from " + (r.stableVersion || "nothing") + " to " + r.version + ".") },
        "Promote") : null,
      r.paused ? el("button", { id: "resume", onclick: () => act("resume", "resume") }, "Resume")
        : el("button", { id: "pause", onclick: () => act("pause", "pause") }, "Pause"),
      el("button", { id: "abort", class: "danger", onclick: () => act("abort", "abort", { reason: "aborted from the dashboard" },
        "Abort the rollout to " + r.version + ": traffic and job shares go back to " + (r.stableVersion || "nothing")
        + ", and the " + r.version + " instances are drained and stopped.") }, "Abort"),
    ] : []));
  }
  document.getElementById("events").replaceChildren(...events.filter(e => e.kind !== "STEP_STARTED").slice(-40).map(e =>
    el("li", { class: "k-" + e.kind }, when(e.at) + " " + e.step + " " + e.detail)));
}

function drawHistory(data) {
  const [history, stable, live] = data;
  table("history", ["revision", "version", "strategy", "outcome", "started", "duration", "reason", ""], history.map(r => {
    const ms = new Date(r.updatedAt) - new Date(r.startedAt);
    const back = !live && r.phase === "SUCCEEDED" && r.version !== stable;
    return [r.revision + (r.rollbackTo ? " (rollback to " + r.rollbackTo + ")" : ""), r.version, r.strategy, r.phase,
      when(r.startedAt), isNaN(ms) ? "-" : Math.round(ms / 1000) + " s", r.reason || "",
      back ? el("button", { id: "rollback-" + r.revision, class: "operator", onclick: () => act("rollback to revision " + r.revision,
        "rollback", { revision: r.revision }, "Roll back to revision " + r.revision + ": deploy " + r.version
        + " again with that revision's spec and an emergency strategy (no manual gate or analysis): once every "
        + r.version + " instance is ready, all traffic and jobs move from " + (stable || "nothing") + " to " + r.version
        + " at once, and the " + (stable || "old") + " instances are drained and stopped.") }, "Roll back here") : ""];
  }));
}

function drawJobs(j) {
  // Kinds with jobs in the queue, and kinds that only finished jobs in the last minute.
  const kinds = j.kinds.concat(j.lastMinute.filter(t => !j.kinds.some(k => k.kind === t.kind && k.queue === t.queue))
    .map(t => ({ kind: t.kind, queue: t.queue, available: 0, scheduled: 0, running: 0, discarded: 0 })));
  table("depth", ["kind", "queue", "available", "scheduled", "running", "dead", "oldest waiting", "done/min", "dead/min"],
    kinds.map(k => {
      const m = j.lastMinute.find(t => t.kind === k.kind && t.queue === k.queue) || {};
      return [k.kind, k.queue, k.available, k.scheduled, k.running, k.discarded, k.oldestAvailableAge || "-",
        m.completed || 0, m.discarded || 0];
    }));
  const routing = Object.entries(j.routing || {}).map(([v, s]) => v + " " + s + "%").join(", ");
  document.getElementById("queues").replaceChildren(
    el("div", {}, "Job routing: " + (routing || "every version claims every job")),
    el("div", {}, "Paused queues: ", j.paused.length ? "" : "none"),
    el("ul", {}, j.paused.map(p => el("li", {}, p.queue + " since " + when(p.since) + (p.reason ? " (" + p.reason + ") " : " "),
      el("button", { id: "resume-queue-" + p.queue, class: "operator", onclick: () => act("resume queue " + p.queue,
        "queues/resume", { queue: p.queue }) }, "Resume")))));
  table("running", ["id", "kind", "queue", "version", "worker", "attempt"], j.running.map(r =>
    [r.id, r.kind, r.queue, r.version || "-", r.worker || "-", r.attempt + "/" + r.maxAttempts]));
  table("dead-letters", ["id", "kind", "queue", "version", "attempts", "last error", ""], j.deadLetters.map(d => [
    el("a", { href: "#", onclick: ev => { ev.preventDefault(); showJob(d.id); } }, d.id), d.kind, d.queue, d.version || "-",
    d.attempt + "/" + d.maxAttempts, d.lastError || "",
    el("button", { id: "retry-" + d.id, class: "operator", onclick: () => act("retry job " + d.id, "jobs/retry", { ids: [d.id] }) },
      "Retry")]));
}

async function showJob(id) {
  const res = await fetch("/dashboard/api/jobs/" + id, { credentials: "same-origin" });
  const j = await res.json();
  document.getElementById("job-detail").textContent = res.ok ? "job " + j.id + " (" + j.kind + ", " + j.state + ")\n"
    + j.history.map(h => "attempt " + h.attempt + " at " + h.at + " on " + (h.version || "-") + ": " + h.outcome
      + (h.error ? ": " + h.error : "")).join("\n") : j.error;
}

function matching(verb) {
  const f = filterQuery();
  const desc = ["kind", "queue", "version"].map(k => k + "=" + (f.get(k) || "any")).join(" ");
  const body = { all: true, kind: f.get("kind"), queue: f.get("queue"), version: f.get("version") };
  if (verb === "retry") {
    act("retry matching dead letters", "jobs/retry", body, "Retry every dead letter matching " + desc
      + ": each goes back to the queue, runnable now, with its attempts reset.");
  } else {
    act("discard matching waiting jobs", "jobs/discard", body, "Discard every job waiting in the queue (available, scheduled "
      + "or waiting for a retry) matching " + desc + ": they become dead letters and are not run.");
  }
}

// Charts over the rollout, per version: requests/s, error rate and p99; jobs/s and job failure rate.
const charts = {};
const PALETTE = { v0: "#1565c0", v1: "#ef6c00", v2: "#2e7d32", v3: "#6a1b9a" };
const CHARTS = {
  "chart-http": [["rps", "requests/s", 0], ["errorRate", "error %", 1], ["p99Ms", "p99 ms", 2]],
  "chart-jobs": [["jobsPerSecond", "jobs/s", 0], ["jobFailureRate", "job failure %", 1]],
};
function drawCharts(series) {
  for (const [id, metrics] of Object.entries(CHARTS)) {
    const lines = [];
    for (const [version, points] of Object.entries((series && series.versions) || {})) {
      for (const [key, label, axis] of metrics) {
        const data = points.filter(p => p[key] !== null && p[key] !== undefined).map(p => [p.at, p[key]]);
        // One colour per version (as in the traffic bars), one line style per measure.
        if (data.length) lines.push({ name: version + " " + label, type: "line", showSymbol: false, yAxisIndex: axis, data,
          color: PALETTE[colour(version)], lineStyle: { type: ["solid", "dashed", "dotted"][axis] } });
      }
    }
    const box = document.getElementById(id);
    box.classList.toggle("empty", lines.length === 0);
    if (!window.echarts || lines.length === 0) continue;
    if (!charts[id]) charts[id] = echarts.init(box, null, { renderer: "svg" });
    const yAxis = [{ type: "value", name: metrics[0][1] }, { type: "value", name: "%", position: "right" }];
    if (metrics.length > 2) yAxis.push({ type: "value", name: "ms", position: "right", offset: 45 });
    charts[id].setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 50, right: metrics.length > 2 ? 95 : 50, top: 70, bottom: 25 },
      xAxis: { type: "time" }, yAxis, series: lines,
    }, true);
    charts[id].resize();
  }
}

async function poll() {
  try {
    const res = await fetch("/dashboard/api/state?" + filterQuery(), { credentials: "same-origin" });
    if (res.status === 401) {
      location.href = "/dashboard/login";
      return;
    }
    const s = await res.json();
    if (!res.ok) throw new Error(s.error || res.statusText);
    state = s;
    csrf = s.csrf;
    document.body.classList.toggle("readonly", s.access !== "OPERATOR");
    document.getElementById("who").replaceChildren(el("span", { class: "badge", id: "access" },
      s.access === "OPERATOR" ? "operator" : "read-only"), " ", s.who);
    const r = s.status.rollout;
    const live = !!r && r.phase !== "SUCCEEDED" && r.phase !== "ROLLED_BACK";
    once("app", s.status, drawApp);
    once("rollout", [r, s.events, s.status.stableVersion], drawRollout);
    once("history", [s.history, s.status.stableVersion, live], drawHistory);
    once("jobs", s.jobs, drawJobs);
    once("series", s.series, drawCharts);
  } catch (e) {
    say("cannot reach the control plane: " + e.message, true);
  }
}

document.getElementById("filter").addEventListener("submit", ev => { ev.preventDefault(); poll(); });
document.getElementById("retry-matching").addEventListener("click", () => matching("retry"));
document.getElementById("discard-matching").addEventListener("click", () => matching("discard"));
document.getElementById("pause-queue").addEventListener("submit", ev => {
  ev.preventDefault();
  const q = document.getElementById("pause-queue-name").value.trim();
  act("pause queue " + q, "queues/pause", { queue: q },
    "Pause queue " + q + ": workers stop claiming its jobs (running ones finish; enqueueing goes on) until it is resumed.");
});
document.getElementById("logout").addEventListener("click", () =>
  post("logout").finally(() => { location.href = "/dashboard/login"; }));
poll();
setInterval(poll, POLL_MS);
