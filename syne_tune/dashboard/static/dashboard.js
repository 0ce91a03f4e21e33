// Syne Tune dashboard: the experiment list (#/) and one experiment (#/experiment/NAME), polled every
// 2 seconds. Charts are SVG drawn here; nothing is loaded from the network but this server.
"use strict";

const POLL_MS = 2000;
const PLOT_REFRESH_MS = 15000;
const state = { view: null, name: null, rows: -1, plotsAt: 0, sort: { column: null, descending: false }, detail: null };

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function fmt(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(5)));
  return String(value);
}

async function getJSON(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// -- the list of experiments ------------------------------------------------------------------------

async function showList() {
  const experiments = await getJSON("/api/experiments");
  const table = el("table", { id: "experiments" });
  table.append(el("tr", {}, ...["name", "status", "created", "scheduler", "trials", "reported", "best"].map(
    (h, i) => el("th", i < 4 ? { class: "text" } : {}, h))));
  for (const e of experiments) {
    const link = el("a", { href: "#/experiment/" + encodeURIComponent(e.name) }, e.name);
    if (e.error) {
      table.append(el("tr", { class: "unreadable", "data-name": e.name }, el("td", { class: "text" }, link),
        el("td", { class: "text" }, "unreadable"), el("td", { class: "text", colspan: 5 }, e.error)));
      continue;
    }
    const created = e.created ? new Date(e.created * 1000).toLocaleString() : "?";
    const best = e.best ? `${e.metric} ${fmt(e.best.value)} (${e.mode})` : "–";
    table.append(el("tr", { "data-name": e.name }, el("td", { class: "text" }, link),
      el("td", { class: "text status-" + e.status }, e.status), el("td", { class: "text" }, created),
      el("td", { class: "text" }, e.method ? `${e.scheduler} (${e.method})` : fmt(e.scheduler)),
      el("td", { class: "trials" }, e.trials), el("td", {}, e.reported), el("td", {}, best)));
  }
  const view = document.getElementById("view");
  view.replaceChildren(el("h2", {}, `${experiments.length} experiments`), table);
}

// -- one experiment -----------------------------------------------------------------------------------

async function showExperiment(name, force) {
  const rows = await getJSON(`/api/experiments/${encodeURIComponent(name)}/rows?since=${Math.max(state.rows, 0)}`);
  if (!force && rows.total === state.rows && rows.status === state.status) return;  // nothing new
  const detail = await getJSON(`/api/experiments/${encodeURIComponent(name)}`);
  state.rows = rows.total;
  state.status = rows.status;
  state.detail = detail;
  const view = document.getElementById("view");
  const best = detail.best;
  const summary = el("div", { class: "summary" },
    el("b", {}, "status"), el("span", { id: "status", class: "status-" + detail.status }, detail.status), "  · ",
    el("b", {}, "trials"), el("span", { id: "trial-count" }, detail.trials), ` (${detail.reported} with reports) · `,
    el("b", {}, "reports"), el("span", { id: "row-count" }, detail.rows), " · ",
    el("b", {}, `best ${detail.metric} (${detail.mode})`), el("span", { id: "best" }, best ? fmt(best.value) : "–"),
    best ? ` in trial ${best.trial_id}: ` + Object.entries(best.config).map(([k, v]) => `${k}=${fmt(v)}`).join(", ") : "");
  const charts = el("div", { class: "charts" },
    chart("best so far", "best-curve", [{ points: detail.best_curve, color: "#1565c0", step: true }],
      "wallclock time (s)", `best ${detail.metric}`),
    chart("learning curves", "learning-curves", Object.values(detail.curves).map((points, i) => (
      { points, color: `hsl(${(i * 47) % 360} 60% 45%)` })), detail.resource_attr || "reports", detail.metric));
  let plots = document.getElementById("plots");
  if (!plots || Date.now() - state.plotsAt > PLOT_REFRESH_MS) {
    plots = analysisPlots(name, detail);
    state.plotsAt = Date.now();
  }
  view.replaceChildren(el("h2", {}, el("a", { href: "#/" }, "experiments"), " / ", el("span", { id: "name" }, name)),
    summary, charts, el("div", { class: "trials" }, trialsTable(detail.trials_table)), plots);
}

function analysisPlots(name, detail) {
  const box = el("div", { class: "plots", id: "plots" });
  for (const kind of detail.plots) {
    const figure = el("figure", {}, el("h3", {}, kind));
    const image = el("img", { alt: kind + " plot", src: `/api/experiments/${encodeURIComponent(name)}/plot/${kind}.png?rows=${detail.rows}` });
    image.onerror = async () => {
      let reason = "not available yet";
      try { reason = (await (await fetch(image.src)).json()).error || reason; } catch (e) { /* keep the default */ }
      image.replaceWith(el("div", { class: "missing" }, reason));
    };
    figure.append(image);
    box.append(figure);
  }
  return box;
}

function trialsTable(trials) {
  const columns = trials.columns;
  let rows = trials.rows.slice();
  const { column, descending } = state.sort;
  if (column !== null && columns.includes(column)) {
    const i = columns.indexOf(column);
    rows.sort((a, b) => {
      if (a[i] === b[i]) return 0;
      if (a[i] === null) return 1;  // missing values last, either way
      if (b[i] === null) return -1;
      const order = a[i] < b[i] ? -1 : 1;
      return descending ? -order : order;
    });
  }
  const table = el("table", { id: "trials" });
  const header = el("tr");
  columns.forEach((c) => {
    const arrow = c === column ? (descending ? " ▼" : " ▲") : "";
    const th = el("th", {}, c.replace(/^config_/, "") + arrow);
    th.onclick = () => {
      state.sort = { column: c, descending: c === state.sort.column ? !state.sort.descending : false };
      const old = document.getElementById("trials");
      old.replaceWith(trialsTable(state.detail.trials_table));
    };
    header.append(th);
  });
  table.append(header);
  for (const row of rows) table.append(el("tr", {}, ...row.map((v) => el("td", typeof v === "string" ? { class: "text" } : {}, fmt(v)))));
  return table;
}

// -- SVG line chart --------------------------------------------------------------------------------------

function chart(title, id, series, xLabel, yLabel) {
  const W = 460, H = 280, L = 60, R = 12, T = 10, B = 40;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("id", id);
  svg.setAttribute("width", W);
  svg.setAttribute("height", H);
  const add = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  const points = series.flatMap((s) => s.points).filter((p) => p[0] !== null && p[1] !== null);
  if (points.length) {
    let [x0, x1] = [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];
    let [y0, y1] = [Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[1]))];
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    if (y1 === y0) { y0 -= 1; y1 += 1; }
    const sx = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
    const sy = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
    for (let i = 0; i <= 4; i++) {
      const y = y0 + (y1 - y0) * i / 4, x = x0 + (x1 - x0) * i / 4;
      add("line", { x1: L, x2: W - R, y1: sy(y), y2: sy(y), stroke: "#eee" });
      add("text", { x: L - 4, y: sy(y) + 4, "text-anchor": "end", "font-size": 10 }, fmt(y));
      add("text", { x: sx(x), y: H - B + 14, "text-anchor": "middle", "font-size": 10 }, fmt(x));
    }
    for (const s of series) {
      const finite = s.points.filter((p) => p[0] !== null && p[1] !== null);
      if (!finite.length) continue;
      let d = `M${sx(finite[0][0])},${sy(finite[0][1])}`;
      for (let i = 1; i < finite.length; i++) {
        if (s.step) d += `H${sx(finite[i][0])}`;
        d += `${s.step ? "V" : `L${sx(finite[i][0])},`}${sy(finite[i][1])}`;
      }
      if (s.step) d += `H${W - R}`;
      add("path", { d, fill: "none", stroke: s.color, "stroke-width": s.step ? 2 : 1, opacity: s.step ? 1 : 0.6 });
    }
  } else {
    add("text", { x: W / 2, y: H / 2, "text-anchor": "middle", fill: "#777" }, "no reports yet");
  }
  add("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#444" });
  add("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#444" });
  add("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", "font-size": 11 }, xLabel);
  add("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", "font-size": 11, transform: `rotate(-90 12 ${(T + H - B) / 2})` }, yLabel);
  return el("div", { class: "chart" }, el("h3", {}, title), svg);
}

// -- routing and polling ------------------------------------------------------------------------------------

async function refresh(force) {
  const live = document.getElementById("live");
  try {
    const match = location.hash.match(/^#\/experiment\/(.+)$/);
    if (match) {
      const name = decodeURIComponent(match[1]);
      if (state.name !== name) Object.assign(state, { name, rows: -1, plotsAt: 0, sort: { column: null, descending: false } });
      await showExperiment(name, force);
    } else {
      state.name = null;
      await showList();
    }
    live.classList.remove("stale");
    live.textContent = "live";
  } catch (error) {
    live.classList.add("stale");
    live.textContent = "update failed";
    const view = document.getElementById("view");
    if (force || !view.querySelector("table")) view.replaceChildren(el("p", { class: "error", id: "error" }, String(error.message || error)));
  }
}

window.addEventListener("hashchange", () => refresh(true));
refresh(true);
setInterval(() => refresh(false), POLL_MS);
