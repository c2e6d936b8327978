"""The inline stylesheet of the HTML report: screen and print, system fonts only, no external assets."""

from __future__ import annotations

__all__ = ["REPORT_CSS"]

REPORT_CSS = """
:root { --met: #1e7b34; --weak: #8a5a00; --conflict: #a4161a; --missing: #4a4a4a; --rule: #d0d0d0; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; margin: 0 auto; max-width: 60rem;
       padding: 1.5rem; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #111; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
.meta { color: #444; font-size: .9rem; margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.score { font: bold 2.4rem/1 "Helvetica Neue", Arial, sans-serif; margin: .6rem 0 .2rem; }
.chip { display: inline-block; border: 1.5px solid currentColor; border-radius: .8rem; padding: 0 .55rem;
        font: bold .85rem/1.5 "Helvetica Neue", Arial, sans-serif; white-space: nowrap; }
.chip-met { color: var(--met); background: #e7f4ea; }
.chip-weak { color: var(--weak); background: #fff4d6; }
.chip-conflict { color: var(--conflict); background: #fde4e4; }
.chip-missing { color: var(--missing); background: #ececec; border-style: dashed; }
.severity { font: .85rem "Helvetica Neue", Arial, sans-serif; text-transform: uppercase; color: #333; }
article.finding { border: 1px solid var(--rule); border-left-width: 6px; padding: .7rem .9rem;
                  margin: 0 0 .9rem; }
article.status-met { border-left-color: var(--met); }
article.status-weak { border-left-color: var(--weak); }
article.status-conflict { border-left-color: var(--conflict); }
article.status-missing { border-left-color: var(--missing); border-left-style: dashed; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: .25rem .8rem; margin: .5rem 0; }
dt { font-weight: bold; font-family: "Helvetica Neue", Arial, sans-serif; font-size: .88rem; }
dd { margin: 0; }
blockquote { margin: .3rem 0 .6rem; padding: .3rem .7rem; border-left: 3px solid #999; background: #fafafa;
             white-space: pre-wrap; }
blockquote.fallback { border-left-color: var(--met); background: #f3faf4; }
.cite { display: block; font: .82rem "Helvetica Neue", Arial, sans-serif; color: #444; }
.override { border: 1px dashed #555; padding: .3rem .6rem; background: #f6f6ff; }
.empty { color: #555; font-style: italic; }
code { font-size: .9em; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.page { break-before: page; }
  main.assessment + main.assessment { break-before: page; }
  article.finding, tr, blockquote { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""
