// One line under each page's title: the profile, models and dataset its numbers come from (the loader's `inputs`).
import {html} from "npm:htl";

const unique = (values) => [...new Set(values)];

export function profileLine(inputs) {
  if (!inputs) return html`<p class="profile-line"><small>Inputs not recorded (data built by an older version): run <code>npm run build</code> again.</small></p>`;
  const present = inputs.experiments.filter((e) => e.hasProfile);
  const lacking = inputs.experiments.filter((e) => !e.hasProfile).map((e) => e.name);
  const models = unique(present.flatMap((e) => e.models.map((m) => (m.nullBaseline ? `${m.label} (null baseline, not a model)` : m.label))));
  const datasets = unique(present.map((e) => e.dataset).filter((d) => d));
  return html`<p class="profile-line"><small>Profile <code>${inputs.profile}</code> · models: ${models.join(", ") || "none"} · dataset: ${datasets.join(", ") || "none"} · inputs <code>${inputs.digest.slice(0, 12)}</code>${
    lacking.length ? html` · <b>not in profile <code>${inputs.profile}</code>: ${lacking.join(", ")}</b> (nothing from ${lacking.length > 1 ? "them" : "it"} is shown)` : ""
  }</small></p>`;
}
