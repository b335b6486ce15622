"""The bar charts' markup written in Python (tracker/bar_charts.py): names and links escaped, what has no value
or no link drawn as the template drew it."""

from tracker.bar_charts import BarRow, Series, bar_chart

SERIES = (Series("on_time", "Delivered on time", "#009E73"), Series("late", "Delivered late", "#E69F00", "stripes"))


FILLS = {"on_time": "#009E73", "late": "url(#x-late)"}


def chart():
    return bar_chart([BarRow('Côte <d\'Ivoire> & "Co"', (3, None), ("/requests/?a=1&b=2", None), "3 of 3")], SERIES)


def test_names_and_links_are_escaped_everywhere():
    made = chart()
    svg, links, rows = made.bars_svg(FILLS), made.links_svg(), made.table_rows()
    for markup in (svg, links, rows):
        assert "<d'" not in markup and '"Co"' not in markup
    assert "Côte &lt;d&#39;Ivoire&gt; &amp; &#34;Co&#34;" in rows
    assert 'href="/requests/?a=1&amp;b=2"' in links and 'href="/requests/?a=1&amp;b=2"' in rows
    assert "<title>Côte &lt;d&#39;Ivoire&gt; &amp; &#34;Co&#34;: 3 delivered on time</title>" in links


def test_a_value_that_does_not_exist_has_no_segment_no_link_and_a_dash():
    made = chart()
    svg, links, rows = made.bars_svg(FILLS), made.links_svg(), made.table_rows()
    assert svg.count('class="segment"') == 1 and "url(#x-late)" not in svg
    assert links.count("<a ") == 1
    assert rows.endswith('<a href="/requests/?a=1&amp;b=2">3</a></td><td class="num">—</td>'
                         '        <td class="num">3 of 3</td></tr>\n')


def test_the_markup_is_the_templates_character_for_character() -> None:
    """Written as the template wrote it (and as the markup before each bar's texts were worked out once): a
    coordinate in full, the label shortened beside its note but whole in the tooltips and the table, a value too
    wide for its segment not written in it, a segment without a link only in the table."""
    three = (*SERIES, Series("overdue", "Overdue", "#D55E00", "crosshatch"))
    made = bar_chart([BarRow("Saint Vincent and the Grenadines, too long to fit", (60, 39, 1),
                             ("/r/?c=1&d=t", "/r/?c=1&d=l", None), "60% on time, of 100")], three, as_shares=True)
    name = "Saint Vincent and the Grenadines, too long to fit"
    assert made.bars_svg({**FILLS, "overdue": "url(#x-overdue)"}) == (
        '    <text class="bar-label" x="2.0" y="44.0">Saint Vincent and the Grenadines…</text>\n'
        '    <text class="bar-note" x="396.0" y="44.0" text-anchor="end">60% on time, of 100</text>\n'
        '    <rect class="segment" x="2.0" y="49.0" width="236.4" height="20.0" fill="#009E73"/>\n'
        '<text class="segment-value" x="120.2" y="63.5" text-anchor="middle">60</text>'
        '    <rect class="segment" x="238.4" y="49.0" width="153.66" height="20.0" fill="url(#x-late)"/>\n'
        '<text class="segment-value" x="315.23" y="63.5" text-anchor="middle">39</text>'
        '    <rect class="segment" x="392.06" y="49.0" width="3.94" height="20.0" fill="url(#x-overdue)"/>\n'
    )
    assert made.links_svg() == (
        '    <a href="/r/?c=1&amp;d=t" tabindex="-1"><rect class="hit" x="2.0" y="49.0" width="236.4" height="20.0">'
        f"<title>{name}: 60 delivered on time</title></rect></a>\n\n"
        '    <a href="/r/?c=1&amp;d=l" tabindex="-1"><rect class="hit" x="238.4" y="49.0" width="153.66" height="20.0">'
        f"<title>{name}: 39 delivered late</title></rect></a>\n\n"
    )
    assert made.table_rows() == (
        f'      <tr><th scope="row">{name}</th>\n<td class="num"><a href="/r/?c=1&amp;d=t">60</a></td>'
        '<td class="num"><a href="/r/?c=1&amp;d=l">39</a></td><td class="num">1</td>'
        '        <td class="num">60% on time, of 100</td></tr>\n'
    )
