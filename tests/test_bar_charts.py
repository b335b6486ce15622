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
