# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance report's HTML view: one self-contained page (inline CSS, no script, no external resource),
rendered from the Jinja2 template below with autoescaping on.

Internal use only: this API may change without notice.
"""

from __future__ import annotations

import typing as t

from jinja2 import Environment

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MAPI resilience compliance report {{ model.generated_utc }}</title>
<style>
  body { font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 24px 32px; color: #1f2328; background: #fff; font-size: 15px; }
  h1 { font-size: 24px; margin: 0 0 4px 0; }
  h2 { font-size: 18px; margin: 28px 0 10px 0; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; }
  .meta { color: #57606a; margin-bottom: 16px; }
  .totals { display: flex; gap: 12px; flex-wrap: wrap; }
  .card { border-radius: 6px; padding: 10px 16px; min-width: 120px; border: 1px solid rgba(0,0,0,0.12); }
  .card .n { font-size: 28px; font-weight: 700; display: block; }
  .card .l { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; }
  table { border-collapse: collapse; }
  th, td { border: 1px solid #d0d7de; padding: 6px 10px; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; font-weight: 600; }
  td.host { font-weight: 600; white-space: nowrap; }
  .s-compliant { background: #dafbe1; color: #0a5c1f; }
  .s-drift { background: #fff1c2; color: #6b4500; }
  .s-error { background: #ffd8d3; color: #86181d; }
  .s-unreachable { background: #6e7781; color: #ffffff; }
  .s-not-checked { background: #f6f8fa; color: #57606a; }
  td.cell { text-align: center; font-weight: 600; white-space: nowrap; }
  td.na, .legend span.na { color: #8c959f; background: #ffffff; font-weight: 400; }
  .legend span { display: inline-block; padding: 3px 10px; margin-right: 8px; border-radius: 4px; border: 1px solid rgba(0,0,0,0.12); }
  .drift td { font-size: 14px; }
  .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
  table.wide { width: 100%; table-layout: fixed; }
  table.wide td { overflow-wrap: anywhere; }
  .note { color: #57606a; font-size: 13px; }
</style>
</head>
<body>
<h1>MAPI resilience compliance report</h1>
<div class="meta">Generated {{ model.generated_utc }} by {{ model.generator }}
  (schema {{ model.schema_version }}) &middot; {{ 'check mode: nothing was changed' if model.check_mode else 'NOT in check mode' }}
  &middot; {{ model.totals.hosts }} host(s), {{ model.checks | length }} check(s)</div>

<h2>Estate totals (hosts, by their worst check)</h2>
<div class="totals" id="totals">
{% for s in model.statuses %}  <div class="card s-{{ s | replace(' ', '-') }}">
    <span class="n">{{ model.totals.host_status[s] }}</span><span class="l">{{ s }}</span></div>
{% endfor %}</div>
<p class="note">Checks: {% for s in model.statuses %}{{ model.totals.checks[s] }} {{ s }}{{ ', ' if not loop.last }}{% endfor %}.</p>

<h2>Hosts &times; checks</h2>
<p class="legend">{% for s in model.statuses %}<span class="s-{{ s | replace(' ', '-') }}">{{ s }}</span>{% endfor %}
  <span class="na">n/a: the check does not apply to the host's groups</span> &middot; (n): drifted items</p>
<table id="matrix">
  <tr><th>host</th><th>overall</th>
{%- for c in model.checks %}<th>{{ c.title }}<br><span class="note">{{ c.reference }}</span></th>{% endfor %}</tr>
{% for h in model.hosts %}  <tr><td class="host">{{ h.name }}</td>
    <td class="cell s-{{ h.status | replace(' ', '-') }}">{{ h.status }}</td>
{% for r in h.checks %}{% if r.applies %}    <td class="cell s-{{ r.status | replace(' ', '-') }}" title="{{ r.message }}">
      {{- r.status }}{% if r['items'] %} ({{ r['items'] | length }}){% endif %}</td>
{% else %}    <td class="cell na" title="{{ r.message }}">n/a</td>
{% endif %}{% endfor %}  </tr>
{% endfor %}</table>

<h2>Drift: what differs, and what a real run would change</h2>
{% set ns = namespace(rows=0) %}
<table id="drift" class="drift wide">
  <tr><th style="width: 9%">host</th><th style="width: 9%">check</th><th style="width: 26%">item</th>
    <th style="width: 12%">expected</th><th style="width: 16%">found</th><th style="width: 8%">reference</th>
    <th style="width: 20%">change</th></tr>
{% for h in model.hosts %}{% for r in h.checks if r.status == 'drift' %}{% for i in r['items'] %}{% set ns.rows = ns.rows + 1 %}
  <tr><td class="host">{{ h.name }}</td><td>{{ r.title }}</td><td class="mono">{{ i.item }}</td>
    <td class="mono">{{ i.expected }}</td><td class="mono">{{ i.found }}</td><td>{{ i.reference }}</td><td>{{ i.change }}</td></tr>
{% else %}{% set ns.rows = ns.rows + 1 %}
  <tr><td class="host">{{ h.name }}</td><td>{{ r.title }}</td><td colspan="3">{{ r.message }}</td>
    <td>{{ r.reference }}</td><td></td></tr>
{% endfor %}{% endfor %}{% endfor %}{% if ns.rows == 0 %}  <tr><td colspan="7">No drift.</td></tr>
{% endif %}</table>

<h2>Errors, unreachable hosts and checks not run</h2>
<table id="problems" class="wide">
  <tr><th style="width: 9%">host</th><th style="width: 9%">check</th><th style="width: 8%">status</th><th>message</th></tr>
{% for h in model.hosts %}{% for r in h.checks if r.status in ('error', 'unreachable') %}
  <tr><td class="host">{{ h.name }}</td><td>{{ r.title }}</td><td class="cell s-{{ r.status }}">{{ r.status }}</td>
    <td class="mono">{{ r.message }}</td></tr>
{% endfor %}{% endfor %}</table>
<p class="note">Hover a cell for its message. "not checked": the check had nothing to check (for example no baseline
settings) or the host was left out of the run.
MAPI health: a TCP connect does not prove the UDP side of Kerberos 88 / LDAP 389, nor the dynamic RPC range MAPI uses
after 135; Ansible changes nothing for an unhealthy host.</p>
</body>
</html>
"""


def render(model: dict[str, t.Any]) -> str:
    env = Environment(autoescape=True, trim_blocks=False, lstrip_blocks=False)
    return env.from_string(TEMPLATE).render(model=model)
