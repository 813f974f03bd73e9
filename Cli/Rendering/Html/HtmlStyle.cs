namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// The one style sheet of the HTML views, inline in every page. System fonts only (nothing is fetched); colours
/// carry the verdicts (green pass, red fail, amber skip) and the component kinds in the layout strips.
/// </summary>
public static class HtmlStyle
{
    public const string Sheet = """
        :root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
                --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
                --skip: #9a6700; --skip-bg: #fff8c5;
                --legacy: #6e7781; --user: #0969da; --supervisor: #bc4c00; --other: #8250df; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink);
               font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif; }
        main { max-width: 1360px; margin: 0 auto; padding: 28px 32px 40px; }
        h1 { font-size: 26px; margin: 0 0 4px; font-weight: 650; }
        h1 .sub { color: var(--muted); font-weight: 400; font-size: 18px; margin-left: 10px; }
        h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 16px; margin: 20px 0 6px; }
        code, .mono, pre, td.num, svg text { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, monospace; }
        code, .mono { font-size: 13.5px; }
        pre { font-size: 13px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
              padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 6px 0; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 14px 0 6px; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; word-break: break-word; }
        table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 14px; }
        th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--panel); font-weight: 600; position: sticky; top: 0; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
        .muted { color: var(--muted); }
        .badge { display: inline-block; min-width: 52px; text-align: center; padding: 1px 8px; border-radius: 10px;
                 font-size: 12.5px; font-weight: 650; letter-spacing: .02em; text-transform: uppercase; }
        .badge.pass { color: var(--pass); background: var(--pass-bg); }
        .badge.fail { color: var(--fail); background: var(--fail-bg); }
        .badge.skip { color: var(--skip); background: var(--skip-bg); }
        .summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0 4px; }
        .summary .tile { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; min-width: 120px; }
        .summary .tile b { display: block; font-size: 24px; }
        .summary .tile.pass b { color: var(--pass); } .summary .tile.fail b { color: var(--fail); }
        .summary .tile.skip b { color: var(--skip); }
        .verdict { font-weight: 650; padding: 8px 14px; border-radius: 6px; margin: 14px 0; display: inline-block; }
        .verdict.pass { color: var(--pass); background: var(--pass-bg); }
        .verdict.fail { color: var(--fail); background: var(--fail-bg); }
        .verdict.skip { color: var(--skip); background: var(--skip-bg); }
        tr.property.fail td { background: #fff5f5; }
        tr.property.skip td { color: var(--muted); }
        table.properties td.name { white-space: nowrap; }
        table.properties td.rules { min-width: 150px; max-width: 260px; }
        table.properties td.reason { font-size: 13px; word-break: break-word; }
        details > summary { cursor: pointer; font-weight: 600; margin: 6px 0; }
        section.failure { border: 1px solid var(--fail); border-left-width: 5px; border-radius: 6px; padding: 4px 16px 10px; margin: 14px 0; }
        section.failure h3 { color: var(--fail); }
        ul.errors { color: var(--fail); margin: 4px 0; }
        ol.events { margin: 4px 0; padding-left: 2.4em; font-size: 13.5px; }
        ol.events li { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        table.diff td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; word-break: break-all; }
        table.diff td.marker { width: 28px; text-align: center; font-weight: 700; }
        tr.differs td { background: var(--fail-bg); color: var(--fail); font-weight: 650; }
        tr.differs td.marker { color: #fff; background: var(--fail); }
        .strip { margin: 6px 0 18px; }
        .strip svg { width: 100%; height: auto; display: block; }
        svg text { font-size: 11px; fill: var(--ink); }
        svg text.inside { fill: #fff; font-weight: 600; }
        svg text.axis { fill: var(--muted); font-size: 10px; }
        svg line.axis, svg line.leader { stroke: #8c959f; stroke-width: .8; }
        svg rect.legacy { fill: var(--legacy); } svg rect.user { fill: var(--user); }
        svg rect.supervisor { fill: var(--supervisor); } svg rect.other { fill: var(--other); }
        svg rect.shade { fill-opacity: .78; }
        svg rect.frame { fill: none; stroke: #57606a; stroke-width: 1; }
        svg text.label, svg text.gap-label, svg text.pad-label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
        svg text.detail { fill: var(--muted); }
        svg text.gap-label { fill: var(--muted); font-style: italic; }
        svg text.gap-inside { fill: var(--ink); font-style: italic; paint-order: stroke; stroke: #f6f8fa; stroke-width: 3px; stroke-linejoin: round; }
        svg text.pad-label { fill: var(--fail); font-style: italic; }
        .legend { display: flex; gap: 18px; flex-wrap: wrap; font-size: 13.5px; color: var(--muted); margin: 6px 0 2px; }
        .legend span::before { content: ""; display: inline-block; width: 14px; height: 14px; margin-right: 6px;
                               vertical-align: -2px; border-radius: 2px; background: var(--c); }
        .legend .hatch::before { background: repeating-linear-gradient(45deg, #eaeef2 0 3px, #8c959f 3px 4.5px); }
        .legend .pad::before { background: repeating-linear-gradient(45deg, #ffebe9 0 3px, #cf222e 3px 4.5px); }
        footer { margin-top: 36px; color: var(--muted); font-size: 12.5px; }
        """;
}
