// The paper's own numbers for a figure, each with its evidence status (only "confirmed" is from the paper text).
import {html} from "npm:htl";

const COLORS = {confirmed: "#1b9e77", unconfirmed: "#d95f02"};

export function paperNumbers(rows, {title = "The paper reports"} = {}) {
  if (!rows.length) return html`<p><small>The paper reports no number we could recover for this figure.</small></p>`;
  return html`<details open><summary><b>${title}</b> (${rows.length} rows; status beside each)</summary>
    <table class="paper-numbers"><thead><tr><th>model</th><th>setting</th><th>benchmark</th><th>metric</th><th>value</th><th>status</th></tr></thead>
    <tbody>${rows.map(
      (r) => html`<tr>
        <td>${r.model}</td><td>${r.setting}</td><td>${r.benchmark} ${r.split}</td>
        <td>${r.metric}${r.n != null && r.k != null ? ` ${r.n}@${r.k}` : r.k != null ? ` @${r.k}` : ""}</td>
        <td>${r.valueText === "" ? html`<i>not recovered</i>` : `${r.valueText}${r.unit === "%" ? "%" : r.unit ? ` ${r.unit}` : ""}`}</td>
        <td><span style="color:${COLORS[r.status] ?? "#7570b3"};font-weight:600">${r.status}</span></td>
      </tr>`
    )}</tbody></table></details>`;
}
