"""The report's one style sheet (inline in the page): layout, tables, notes, narrow screens and print."""

from __future__ import annotations

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.4rem;border-bottom:2px solid #1b6ca8;padding-bottom:.2rem}
h4{margin:.6rem 0 .2rem}.lede{font-size:1.05rem}.notes{font-size:.85rem;color:#444;background:#f6f7f9;
padding:.4rem .9rem;border-radius:6px;overflow-wrap:anywhere}
.notes ul{margin:.2rem 0 .4rem;padding-left:1.2rem}.flag{color:#8a4b00}.cites a.ref{margin-right:.25rem}
figure{margin:1rem 0}figure svg{display:block}figure svg.narrow{display:none;max-width:520px;margin:0 auto}
table.data{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}
table.data caption{text-align:left;font-size:.85rem;color:#444}
table.data td,table.data th{border:1px solid #ddd;padding:.2rem .6rem;text-align:right}
table.data .text{text-align:left}table.data td.num,.nw{white-space:nowrap}
table.tasks{width:100%}table.tasks .id{white-space:nowrap}
code{font-size:.9em;background:#eceef1;padding:0 .2em;border-radius:3px}
.table-wrap{overflow-x:auto}ol.bib{font-size:.85rem;overflow-wrap:anywhere}ol.bib li{margin:.2rem 0}
nav ul{columns:2;font-size:.95rem}.eqs{display:flex;flex-wrap:wrap;gap:1rem}.eq{flex:1 1 280px}
.src{color:#777;font-size:.8rem}footer{margin-top:3rem;font-size:.8rem;color:#666}
@media screen and (max-width:900px){figure svg.wide{display:none}figure svg.narrow{display:block}}
@media (max-width:640px){body{margin:1rem auto;padding:0 .6rem}h1{font-size:1.35rem}.lede{font-size:1rem}
nav ul{columns:1}table.data{font-size:.8rem}table.data td,table.data th{padding:.15rem .3rem}
table.tasks thead{display:none}table.tasks,table.tasks caption,table.tasks tbody,table.tasks tr{display:block}
table.tasks tr{border-top:1px solid #ddd;padding:.3rem 0}table.tasks tr:last-child{border-bottom:1px solid #ddd}
table.tasks td{display:flex;justify-content:space-between;gap:1rem;border:0;padding:.05rem .3rem}
table.tasks td::before{content:attr(data-label);color:#555;text-align:left}
table.tasks td:first-child{display:block;font-weight:600}table.tasks td:empty{display:none}}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt;color:#000}nav{display:none}
h2{break-after:avoid;page-break-after:avoid;border-bottom-color:#000}
figure,table.data,.notes{break-inside:avoid;page-break-inside:avoid}.table-wrap{overflow:visible}
figure svg.wide{width:100%}.notes{background:none;border:1px solid #bbb}
a{color:#000;text-decoration:none}
section{break-before:auto}footer{font-size:8pt}}
"""
